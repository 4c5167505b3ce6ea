import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random.ts';
import { inverseVolumeCurve, logExpectedInverseVolume, logExpectedInverseVolumeWishart, logGamma } from './volumeChange.ts';

/** Standard normal draws by Box-Muller from a seeded uniform stream. */
function normals(seed: number): () => number {
  const u = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

describe('logGamma', () => {
  it('matches factorials and Gamma(1/2) = sqrt(pi)', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 10);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(0.1)).toBeCloseTo(Math.log(9.513507698668732), 10);
    expect(() => logGamma(0)).toThrow(/x > 0/);
  });
});

describe('expected inverse volume change (Appendix C, eq. 17)', () => {
  it('is sqrt(pi/2) for a 2 x 1 Jacobian of unit entries: E[chi_2^-1] = Gamma(1/2) / (sqrt 2 Gamma(1))', () => {
    expect(Math.exp(logExpectedInverseVolume(1, 2, 1))).toBeCloseTo(Math.sqrt(Math.PI / 2), 12);
  });

  it('gives the same value by both lines of eq. 17', () => {
    for (const [m, n, sigma] of [
      [1, 2, 1],
      [3, 4, 0.5],
      [10, 12, 2],
      [40, 45, 1.3],
    ] as const) {
      expect(logExpectedInverseVolume(m, n, sigma)).toBeCloseTo(logExpectedInverseVolumeWishart(m, n, sigma), 8);
    }
  });

  it('agrees with a Monte Carlo estimate over random Gaussian 5 x 2 Jacobians', () => {
    const draw = normals(11);
    const sigma = 0.7;
    const trials = 40_000;
    let acc = 0;
    for (let t = 0; t < trials; t++) {
      const a = Array.from({ length: 5 }, () => sigma * draw());
      const b = Array.from({ length: 5 }, () => sigma * draw());
      const aa = a.reduce((s, v) => s + v * v, 0);
      const bb = b.reduce((s, v) => s + v * v, 0);
      const ab = a.reduce((s, v, i) => s + v * b[i]!, 0);
      acc += 1 / Math.sqrt(aa * bb - ab * ab);
    }
    const exact = Math.exp(logExpectedInverseVolume(2, 5, sigma));
    expect(acc / trials).toBeGreaterThan(exact * 0.97);
    expect(acc / trials).toBeLessThan(exact * 1.03);
  });

  it('scales as sigma^-m', () => {
    expect(logExpectedInverseVolume(8, 10, 2) - logExpectedInverseVolume(8, 10, 1)).toBeCloseTo(-8 * Math.LN2, 12);
  });

  it('goes to zero super-exponentially as the dimension grows with a fixed increase (the text under eq. 17)', () => {
    const curve = inverseVolumeCurve(200, 1, 1);
    for (let i = 10; i < curve.length; i++) expect(curve[i]!.log10Factor).toBeLessThan(curve[i - 1]!.log10Factor);
    // Faster than exponential: successive log-steps keep getting steeper.
    const step = (d: number) => curve[d]!.log10Factor - curve[d - 1]!.log10Factor;
    expect(step(150)).toBeLessThan(step(50));
    expect(step(50)).toBeLessThan(step(20));
    expect(curve[199]!.log10Factor).toBeLessThan(-150);
  });

  it('rejects Jacobians that are not taller than wide', () => {
    expect(() => logExpectedInverseVolume(3, 3, 1)).toThrow(/above m/);
    expect(() => logExpectedInverseVolume(0, 3, 1)).toThrow(/positive integer/);
    expect(() => logExpectedInverseVolume(2, 3, 0)).toThrow(/sigma/);
  });
});
