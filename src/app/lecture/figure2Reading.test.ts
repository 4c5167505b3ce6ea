import { describe, expect, it } from 'vitest';
import type { Figure2Layer, Figure2Series } from '../../ood/figure2.ts';
import { readFigure2 } from './figure2Reading.ts';

/** A layer with the given CKA and correlation; latents named z* also get active-unit figures. */
function layer(name: string, cka: number, correlation: number, active?: { units: [number, number]; correlation: number }): Figure2Layer {
  return {
    name,
    latent: name.startsWith('z'),
    correlation,
    cka,
    units: [8, 8],
    constantUnits: [0, 0],
    ...(active ? { activeUnits: active.units, activeCorrelation: active.correlation } : {}),
  };
}

function series(dataset: string, against: 'trained' | 'untrained', layers: Figure2Layer[]): Figure2Series {
  return { dataset, count: 1000, against, layers };
}

describe('what the slide says a Figure 2 shows', () => {
  const falling = [layer('b1.1', 0.98, 0.8), layer('z1', 0.97, 0.3, { units: [1, 1], correlation: 0.88 }), layer('z2', 0.7, 0.6, { units: [4, 4], correlation: 0.61 })];

  it('agrees with the paper when CKA falls and the lowest latent correlates most, naming inactive units', () => {
    const r = readFigure2([series('fashionmnist', 'trained', falling), series('mnist', 'trained', falling)]);
    expect(r.ckaFalls).toBe(true);
    expect(r.sentences[0]).toBe('Linear CKA falls from b1.1 to z2: 0.98 to 0.70 on FashionMNIST images (0.98 to 0.70 on MNIST images), as in the paper.');
    expect(r.sentences[1]).toBe('|r| of active latent units at z1, z2: 0.88, 0.61 on FashionMNIST images (0.88, 0.61 on MNIST images); highest at z1, as in the paper.');
    expect(r.sentences[2]).toBe("Over all units, z1's |r| is only 0.30 on FashionMNIST images (0.30 on MNIST images): 7 of its 8 units are inactive in each model and match nothing.");
    expect(r.sentences).toHaveLength(3);
  });

  it('says so when the data go against the paper', () => {
    const rising = [layer('b1.1', 0.4, 0.5), layer('z1', 0.6, 0.5, { units: [8, 8], correlation: 0.5 }), layer('z2', 0.9, 0.7, { units: [8, 8], correlation: 0.7 })];
    const r = readFigure2([series('mnist', 'trained', rising)]);
    expect(r.ckaFalls).toBe(false);
    expect(r.sentences[0]).toBe('Linear CKA rises from b1.1 to z2: 0.40 to 0.90 on MNIST images, unlike the paper.');
    expect(r.sentences[1]).toContain('not highest at z1, unlike the paper');
    // No latent is diluted by inactive units here.
    expect(r.sentences).toHaveLength(2);
  });

  it('reads the untrained baseline on the first set of images', () => {
    const untrained = [layer('b1.1', 0.93, 0.7), layer('z1', 0.9, 0.4), layer('z2', 0.3, 0.3)];
    const r = readFigure2([series('fashionmnist', 'trained', falling), series('fashionmnist', 'untrained', untrained)]);
    expect(r.sentences.at(-1)).toBe("Second model untrained: CKA 0.93 at b1.1, 0.30 at z2 on FashionMNIST images; most of the bottom's agreement needs no training.");
    const low = [layer('b1.1', 0.5, 0.7), layer('z1', 0.4, 0.4), layer('z2', 0.3, 0.3)];
    expect(readFigure2([series('fashionmnist', 'trained', falling), series('fashionmnist', 'untrained', low)]).sentences.at(-1)).toMatch(/at z2 on FashionMNIST images\.$/);
  });
});
