import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONVERSIONS, conversionForModel, convertPicture, datasetConversion, describeApplied } from './conversions.ts';
import { DATASETS } from './datasets.ts';
import type { RgbaImage } from './picture.ts';

function grey(width: number, height: number, at: (x: number, y: number) => number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const v = at(x, y);
    data.set([v, v, v, 255], (y * width + x) * 4);
  }
  return { width, height, data };
}

/** A bar 4 px wide and 24 tall on black, in a 28x28 picture. */
const bar = grey(28, 28, (x, y) => (x >= 12 && x < 16 && y >= 2 && y < 26 ? 255 : 0));

describe('the dataset registry names each dataset\'s conversion', () => {
  it('every dataset made from pictures names one; derived ones follow their source; generated and rendered ones have none', () => {
    for (const d of DATASETS) {
      const c = datasetConversion(d);
      if (d.kind === 'generated' || d.name === 'letters') expect(c).toBeNull();
      else expect(Object.keys(CONVERSIONS)).toContain(c);
    }
    expect(datasetConversion(DATASETS.find((d) => d.name === 'fashionmnist-inverted')!)).toBe('fashionmnist');
    expect(datasetConversion(DATASETS.find((d) => d.name === 'mnist')!)).toBe('mnist');
  });

  it('every shipped model card names the conversion of the dataset it was trained on', () => {
    const cards = readdirSync('models').map((m) => JSON.parse(readFileSync(join('models', m, 'card.json'), 'utf8')) as { trained_on: string; input_conversion: string });
    expect(cards.length).toBeGreaterThan(0);
    for (const card of cards) expect(card.input_conversion).toBe(conversionForModel(card.trained_on).conversion);
  });

  it('a model of no registered dataset (the Train page\'s own examples) gets MNIST\'s, the conversion of those examples', () => {
    expect(conversionForModel('custom')).toMatchObject({ conversion: 'mnist', reason: expect.stringContaining('Train page') });
    expect(conversionForModel(null).conversion).toBe('mnist');
    expect(conversionForModel('fashionmnist')).toEqual({ conversion: 'fashionmnist', reason: "how fashionmnist, the model's training set, was made" });
  });
});

describe('convertPicture', () => {
  it('takes a 28x28 picture as it is by default, with either conversion', () => {
    for (const conversion of ['mnist', 'fashionmnist'] as const) {
      const out = convertPicture(bar, { conversion });
      expect(out.applied).toBe('as-is');
      expect(Array.from(out.image, (v) => v * 255)).toEqual(Array.from({ length: 784 }, (_, i) => bar.data[i * 4]!));
    }
  });

  it('converts a 28x28 picture when told to: MNIST\'s to a 20 px box, Fashion-MNIST\'s to 28', () => {
    const height = (image: Float32Array) => new Set(Array.from(image, (v, i) => (v > 0 ? Math.floor(i / 28) : -1)).filter((r) => r >= 0)).size;
    const mnist = convertPicture(bar, { conversion: 'mnist', alwaysConvert: true });
    const fashion = convertPicture(bar, { conversion: 'fashionmnist', alwaysConvert: true });
    expect([mnist.applied, height(mnist.image)]).toEqual(['mnist', 20]);
    expect([fashion.applied, height(fashion.image)]).toEqual(['fashionmnist', 28]);
  });

  it('converts any other size with the conversion asked for, and says what it did', () => {
    const big = grey(56, 56, (x, y) => (x >= 24 && x < 32 && y >= 4 && y < 52 ? 0 : 255));
    const out = convertPicture(big, { conversion: 'fashionmnist' });
    expect([out.applied, out.inverted]).toEqual(['fashionmnist', true]);
    expect(describeApplied(out.applied, out.inverted)).toBe('converted as Fashion-MNIST was made, inverted');
    expect(describeApplied('as-is', false)).toBe('taken as it is (already 28×28)');
  });
});
