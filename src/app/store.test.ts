import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, parseHash, toHash } from './store.ts';

describe('view state in the URL', () => {
  it('round-trips every field', () => {
    const v = { ...DEFAULT_VIEW, page: 'eval' as const, model: 'hvae-fashionmnist', backend: 'wasm' as const, samples: 10, fpr: 0.01, lowerLatents: 'sample' as const, deterministic: true, invert: 'off' as const, conversion: 'mnist' as const, alwaysConvert: true, gallery: { dataset: 'mnist', index: 7 }, slide: 4, presenter: true };
    expect({ ...DEFAULT_VIEW, ...parseHash(`#${toHash(v)}`) }).toEqual(v);
  });

  it('leaves defaults out of the hash and ignores invalid values', () => {
    expect(toHash(DEFAULT_VIEW)).toBe('');
    expect(parseHash('#S=0&fpr=2&backend=tpu&lower=x&img=bad&page=nowhere&slide=0&slide=x&conv=jpeg')).toEqual({});
    expect(parseHash('#slide=2.5')).toEqual({});
  });

  it('gives each lecture slide and the presenter view their own URL', () => {
    const v = { ...DEFAULT_VIEW, page: 'lecture' as const, slide: 3 };
    expect(toHash(v)).toBe('page=lecture&slide=3');
    expect(toHash({ ...v, presenter: true })).toBe('page=lecture&slide=3&presenter=1');
    expect(parseHash('#page=lecture&slide=7&presenter=1')).toEqual({ page: 'lecture', slide: 7, presenter: true });
    expect(toHash({ ...v, slide: 1 })).toBe('page=lecture');
  });

  it('keeps the conversion choice: the model\'s own by default, another one or 28x28 conversion by name', () => {
    expect(toHash({ ...DEFAULT_VIEW, conversion: 'fashionmnist', alwaysConvert: true })).toBe('conv=fashionmnist&convert28=1');
    expect(parseHash('#conv=mnist')).toEqual({ conversion: 'mnist' });
    expect(parseHash('#convert28=0')).toEqual({ alwaysConvert: false });
    expect(toHash({ ...DEFAULT_VIEW, conversion: 'model' })).toBe('');
  });
});
