import { describe, expect, it } from 'vitest';
import { densityGrid } from './densityGrid.ts';

describe('densityGrid', () => {
  it('spans the values with a 5% margin on each side, in 200 points by default', () => {
    const grid = densityGrid([10, 30, 20]);
    expect(grid).toHaveLength(200);
    expect(grid[0]).toBe(9);
    expect(grid[199]).toBe(31);
  });

  it('is evenly spaced and strictly ascending', () => {
    const grid = densityGrid([-3, 5], [], 9);
    expect(grid).toEqual([-3.4, -2.3, -1.2, -0.1, 1, 2.1, 3.2, 4.3, 5.4].map((v) => expect.closeTo(v, 12)));
    for (let i = 1; i < grid.length; i++) expect(grid[i]!).toBeGreaterThan(grid[i - 1]!);
  });

  it('widens the range to cover the extra values, margin included', () => {
    const grid = densityGrid([0, 10], [-10], 5);
    expect(grid[0]).toBe(-11);
    expect(grid[4]).toBe(11);
    expect(densityGrid([0, 10], [30], 3)).toEqual([-1.5, 15, 31.5]);
  });

  it('extra values inside the range leave it unchanged', () => {
    expect(densityGrid([0, 10], [4, 10], 3)).toEqual(densityGrid([0, 10], [], 3));
  });

  it('widens a single value by 5% of its magnitude', () => {
    expect(densityGrid([-200], [], 3)).toEqual([-210, -200, -190]);
    expect(densityGrid([4, 4, 4], [4], 3)).toEqual([3.8, 4, 4.2]);
  });

  it('widens zero to [-1, 1]', () => {
    expect(densityGrid([0], [], 5)).toEqual([-1, -0.5, 0, 0.5, 1]);
  });

  it('rejects empty values, non-finite values and fewer than two points', () => {
    expect(() => densityGrid([])).toThrow(/at least one value/);
    expect(() => densityGrid([1, Number.NaN])).toThrow(/finite/);
    expect(() => densityGrid([1], [-Infinity])).toThrow(/finite/);
    expect(() => densityGrid([1, 2], [], 1)).toThrow(/points/);
    expect(() => densityGrid([1, 2], [], 2.5)).toThrow(/points/);
  });
});
