import { describe, expect, it } from 'vitest';
import { kde, kdeBinned, silvermanBandwidth } from './kde.ts';
import { mulberry32 } from '../data/random.ts';

describe('silvermanBandwidth', () => {
  it('uses 0.9 min(sd, IQR / 1.34) n^(-1/5)', () => {
    // [1..5]: sd = sqrt(2.5) = 1.58, IQR = 4 - 2 = 2, so IQR / 1.34 = 1.49 is the smaller.
    expect(silvermanBandwidth([5, 1, 4, 2, 3])).toBeCloseTo(0.9 * (2 / 1.34) * 5 ** -0.2, 12);
    // [0, 0, 0, 10]: the IQR is 2.5 and the sd is 5.
    expect(silvermanBandwidth([0, 0, 0, 10])).toBeCloseTo(0.9 * (2.5 / 1.34) * 4 ** -0.2, 12);
  });

  it('falls back to |x| for a constant sample, and to 1 for zeros', () => {
    expect(silvermanBandwidth([3, 3, 3])).toBeCloseTo(0.9 * 3 * 3 ** -0.2, 12);
    expect(silvermanBandwidth([0])).toBeCloseTo(0.9, 12);
  });
});

describe('kde', () => {
  it('integrates to about 1', () => {
    const rng = mulberry32(2);
    const values = Array.from({ length: 500 }, () => rng() * 10 + (rng() < 0.3 ? 20 : 0));
    const grid = Array.from({ length: 2001 }, (_, i) => -20 + (i * 70) / 2000);
    const density = kde(values, grid);
    let area = 0;
    for (let i = 1; i < grid.length; i++) area += ((density[i]! + density[i - 1]!) / 2) * (grid[i]! - grid[i - 1]!);
    expect(area).toBeCloseTo(1, 3);
  });

  it('is a normal density around a single point', () => {
    const d = kde([2], [2, 3], 0.5);
    expect(d[0]).toBeCloseTo(1 / (0.5 * Math.sqrt(2 * Math.PI)), 12);
    expect(d[1]).toBeCloseTo(Math.exp(-2) / (0.5 * Math.sqrt(2 * Math.PI)), 12);
  });

  it('refuses non-finite values and bandwidths', () => {
    expect(() => kde([1, Infinity, NaN], [0])).toThrow('2 of 3 values for the density are NaN or infinite');
    expect(() => kde([1], [0], 0)).toThrow(/bandwidth/);
  });
});

describe('kdeBinned', () => {
  it('equals the direct sum to 0.5 % of the peak, inside and beyond the data, on skewed and bimodal samples', () => {
    const rng = mulberry32(8);
    const skewed = Array.from({ length: 10000 }, () => -Math.log(1 - rng()) * 30 - 250);
    const bimodal = Array.from({ length: 5000 }, (_, i) => (i % 2 ? 5 : -5) + Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()));
    for (const values of [skewed, bimodal]) {
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      // The chart's grid, and one stretched to a value far beyond the data.
      for (const [a, b] of [[lo, hi], [lo - (hi - lo), hi + 0.1]] as [number, number][]) {
        const grid = Array.from({ length: 200 }, (_, i) => a + ((b - a) * i) / 199);
        const exact = kde(values, grid);
        const fast = kdeBinned(values, grid);
        const peak = Math.max(...exact);
        for (let g = 0; g < grid.length; g++) expect(Math.abs(fast[g]! - exact[g]!)).toBeLessThan(0.005 * peak);
      }
    }
  });

  it('refuses what kde refuses', () => {
    expect(() => kdeBinned([1, NaN], [0, 1])).toThrow(/NaN or infinite/);
    expect(() => kdeBinned([1], [0, 1], -1)).toThrow(/bandwidth/);
  });
});
