import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random.ts';
import { crossCorrelation, matchedAbsCorrelation, representationOf, type Representation } from './representationCorrelation.ts';

function random(rows: number, cols: number, seed: number): Representation {
  const u = mulberry32(seed);
  return { values: Float64Array.from({ length: rows * cols }, () => u() - 0.5), rows, cols };
}

describe('representations of a layer', () => {
  it('treat conv channels as units and positions as observations', () => {
    const r = representationOf(new Float32Array(3 * 14 * 14 * 8), 3, [14, 14, 8]);
    expect([r.rows, r.cols]).toEqual([3 * 14 * 14, 8]);
    const d = representationOf(new Float32Array(5 * 16), 5, [16]);
    expect([d.rows, d.cols]).toEqual([5, 16]);
    expect(() => representationOf(new Float32Array(10), 3, [4])).toThrow(/expected 3 x 4/);
  });
});

describe('cross-correlation', () => {
  it('matches a hand computation', () => {
    // Columns: a0 = (1, 2, 3), a1 = (1, 0, 1); b0 = (2, 4, 7).
    const a = { values: [1, 1, 2, 0, 3, 1], rows: 3, cols: 2 };
    const b = { values: [2, 4, 7], rows: 3, cols: 1 };
    const c = crossCorrelation(a, b);
    // r(a0, b0): deviations (-1, 0, 1) and (-7/3, -1/3, 8/3): 5 / sqrt(2 * 114/9).
    expect(c[0]).toBeCloseTo(5 / Math.sqrt((2 * 114) / 9), 12);
    // r(a1, b0): deviations (1/3, -2/3, 1/3) and b0's: (-7/9 + 2/9 + 8/9) / sqrt(6/9 * 114/9).
    expect(c[1]).toBeCloseTo((3 / 9) / Math.sqrt((6 / 9) * (114 / 9)), 12);
  });

  it('is NaN for a constant unit and rejects different observation counts', () => {
    const c = crossCorrelation({ values: [1, 1, 1], rows: 3, cols: 1 }, { values: [1, 2, 3], rows: 3, cols: 1 });
    expect(Number.isNaN(c[0])).toBe(true);
    expect(() => crossCorrelation(random(4, 2, 1), random(5, 2, 2))).toThrow(/same observations/);
  });
});

describe('matched absolute correlation (Figure 2)', () => {
  it('is 1 for a negated, rescaled and permuted copy', () => {
    const a = random(300, 6, 3);
    const perm = [4, 0, 5, 2, 1, 3];
    const b = { values: new Float64Array(300 * 6), rows: 300, cols: 6 };
    for (let i = 0; i < 300; i++) perm.forEach((src, j) => (b.values[i * 6 + j] = -3 * Number(a.values[i * 6 + src]) + 7));
    expect(matchedAbsCorrelation(a, b)).toBeCloseTo(1, 10);
  });

  it('is near 0 for unrelated representations and in between for a noisy copy', () => {
    const a = random(4000, 8, 5);
    expect(matchedAbsCorrelation(a, random(4000, 8, 6))).toBeLessThan(0.06);
    const noise = random(4000, 8, 7);
    const noisy = { values: Float64Array.from(a.values, (v, i) => v + Number(noise.values[i])), rows: 4000, cols: 8 };
    // Equal variances: r = 1 / sqrt(2).
    expect(matchedAbsCorrelation(a, noisy)).toBeCloseTo(Math.SQRT1_2, 1);
  });

  it('handles different unit counts and leaves constant units out', () => {
    const a = random(500, 3, 8);
    const b = { values: new Float64Array(500 * 4), rows: 500, cols: 4 };
    for (let i = 0; i < 500; i++) {
      for (let j = 0; j < 3; j++) b.values[i * 4 + j] = Number(a.values[i * 3 + j]);
      b.values[i * 4 + 3] = 2;
    }
    expect(matchedAbsCorrelation(a, b)).toBeCloseTo(1, 10);
    expect(Number.isNaN(matchedAbsCorrelation(a, { values: new Float64Array(500), rows: 500, cols: 1 }))).toBe(true);
  });
});
