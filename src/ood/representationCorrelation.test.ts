import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random.ts';
import {
  ACTIVE_UNIT_VARIANCE,
  ckaFromGrams,
  columnsAbove,
  crossCorrelation,
  layerSimilarity,
  linearCka,
  matchedAbsCorrelation,
  matchedAbsCorrelationReport,
  poolToGrid,
  representationOf,
  type LayerData,
  type Representation,
} from './representationCorrelation.ts';

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

describe('constant units in the matched correlation', () => {
  it('are counted on each side', () => {
    // a: columns (1, 2, 3, 4), constant 5, (2, 1, 4, 3); b: constant 0, (4, 3, 2, 1), constant -1.
    const a = { values: [1, 5, 2, 2, 5, 1, 3, 5, 4, 4, 5, 3], rows: 4, cols: 3 };
    const b = { values: [0, 4, -1, 0, 3, -1, 0, 2, -1, 0, 1, -1], rows: 4, cols: 3 };
    const report = matchedAbsCorrelationReport(a, b);
    expect(report.constantUnits).toEqual({ a: 1, b: 2 });
    // a's units match b's one varying unit with |r| 1 and 0.6; b's unit matches a0 with 1: (0.8 + 1) / 2.
    expect(report.value).toBeCloseTo(0.9, 12);
    expect(matchedAbsCorrelation(a, b)).toBe(report.value);
    expect(matchedAbsCorrelationReport(a, a).constantUnits).toEqual({ a: 1, b: 1 });
  });
});

/** Rows of r times the d x d row-major matrix m, times `scale`. */
function transformed(r: Representation, m: Float64Array, scale = 1): Representation {
  const { rows, cols } = r;
  const values = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let k = 0; k < cols; k++) s += Number(r.values[i * cols + k]) * m[k * cols + j]!;
      values[i * cols + j] = scale * s;
    }
  }
  return { values, rows, cols };
}

/** A random d x d orthogonal matrix: Gram-Schmidt on the rows of a seeded random matrix. */
function orthogonal(d: number, seed: number): Float64Array {
  const q = Float64Array.from(random(d, d, seed).values);
  for (let i = 0; i < d; i++) {
    for (let p = 0; p < i; p++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += q[i * d + k]! * q[p * d + k]!;
      for (let k = 0; k < d; k++) q[i * d + k]! -= dot * q[p * d + k]!;
    }
    let norm = 0;
    for (let k = 0; k < d; k++) norm += q[i * d + k]! ** 2;
    for (let k = 0; k < d; k++) q[i * d + k]! /= Math.sqrt(norm);
  }
  return q;
}

/** Each column repeated `times` times: more units, same CKA (A A^T only scales by `times`). */
function repeatedColumns(r: Representation, times: number): Representation {
  const { rows, cols } = r;
  const values = new Float64Array(rows * cols * times);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols * times; j++) values[i * cols * times + j] = Number(r.values[i * cols + (j % cols)]);
  return { values, rows, cols: cols * times };
}

/** a plus independent noise of the same size: related, but not a rotation of a. */
function noisyCopy(a: Representation, seed: number): Representation {
  const noise = random(a.rows, a.cols, seed);
  return { values: Float64Array.from(a.values, (v, i) => v + Number(noise.values[i])), rows: a.rows, cols: a.cols };
}

describe('linear CKA', () => {
  // Narrow (d < n) takes the feature form, wide (d > n) the Gram form.
  const shapes = [
    { name: 'narrow', rows: 200, cols: 5 },
    { name: 'wide', rows: 10, cols: 30 },
  ];

  it.each(shapes)('is 1 for a representation with itself ($name)', ({ rows, cols }) => {
    const a = random(rows, cols, 11);
    expect(linearCka(a, a)).toBeCloseTo(1, 9);
  });

  it.each(shapes)('is unchanged by an orthogonal transform or a scaling of one side ($name)', ({ rows, cols }) => {
    const a = random(rows, cols, 12);
    const b = noisyCopy(a, 13);
    const cka = linearCka(a, b);
    // Strictly between 0 and 1, so the invariance is not that of a trivial value.
    expect(cka).toBeGreaterThan(0.2);
    expect(cka).toBeLessThan(0.99);
    const q = orthogonal(cols, 14);
    expect(Math.abs(linearCka(a, transformed(b, q)) - cka)).toBeLessThan(1e-9);
    expect(Math.abs(linearCka(transformed(a, q, -40), b) - cka)).toBeLessThan(1e-9);
    const identity = Float64Array.from({ length: cols * cols }, (_, i) => (i % (cols + 1) === 0 ? 1 : 0));
    expect(Math.abs(linearCka(a, transformed(b, identity, 1e-3)) - cka)).toBeLessThan(1e-9);
  });

  it('is well below 1 for independent representations', () => {
    expect(linearCka(random(200, 5, 15), random(200, 5, 16))).toBeLessThan(0.15);
  });

  it('is the squared correlation for single units, in the feature and the Gram form alike', () => {
    const a = random(20, 1, 17);
    const b = noisyCopy(a, 18);
    const r = crossCorrelation(a, b)[0]!;
    expect(Math.abs(linearCka(a, b) - r * r)).toBeLessThan(1e-12);
    // 20 copies of each unit: 40 units for 20 observations, so the Gram form.
    expect(Math.abs(linearCka(repeatedColumns(a, 20), repeatedColumns(b, 20)) - r * r)).toBeLessThan(1e-12);
  });

  it('agrees between the feature and the Gram form on the same data', () => {
    // b: a noisy copy of a's three units plus an unrelated fourth, so the two sides differ in width.
    const a = random(20, 3, 19);
    const near = noisyCopy(a, 20);
    const extra = random(20, 1, 21);
    const b = { values: new Float64Array(20 * 4), rows: 20, cols: 4 };
    for (let i = 0; i < 20; i++) {
      for (let j = 0; j < 3; j++) b.values[i * 4 + j] = Number(near.values[i * 3 + j]);
      b.values[i * 4 + 3] = Number(extra.values[i]);
    }
    const narrow = linearCka(a, b);
    expect(narrow).toBeGreaterThan(0.2);
    expect(narrow).toBeLessThan(0.99);
    // 30 and 40 units for 20 observations: the Gram form.
    expect(Math.abs(linearCka(repeatedColumns(a, 10), repeatedColumns(b, 10)) - narrow)).toBeLessThan(1e-9);
  });

  it('is NaN when a side has no variance and rejects different observation counts', () => {
    const a = random(6, 2, 23);
    expect(Number.isNaN(linearCka(a, { values: new Float64Array(12).fill(0.1), rows: 6, cols: 2 }))).toBe(true);
    expect(Number.isNaN(linearCka({ values: new Float64Array(6 * 40).fill(3), rows: 6, cols: 40 }, a))).toBe(true);
    expect(() => linearCka(a, random(7, 2, 24))).toThrow(/same observations/);
  });
});

describe('pooling a conv map to a coarser grid', () => {
  it('averages each window, per image and channel', () => {
    // Two images of a 2 x 2 x 2 map: channel 0 holds 1..4 (then 5..8), channel 1 holds 10 times as much.
    const values = Float32Array.from({ length: 16 }, (_, i) => (Math.floor(i / 2) + 1) * (i % 2 === 0 ? 1 : 10));
    expect(Array.from(poolToGrid(values, 2, [2, 2, 2], [1, 1]))).toEqual([2.5, 25, 6.5, 65]);
    expect(Array.from(poolToGrid(values, 2, [2, 2, 2], [2, 2]))).toEqual(Array.from(values));
    expect(() => poolToGrid(values, 2, [2, 2, 2], [2, 1])).toThrow(/cannot pool/);
    expect(() => poolToGrid(values, 3, [2, 2, 2], [1, 1])).toThrow(/expected 3 x 8/);
  });
});

/** n images of an h x w x c map with seeded values. */
function convLayer(n: number, h: number, w: number, c: number, seed: number): LayerData & { values: Float64Array } {
  return { shape: [h, w, c], values: Float64Array.from(random(n * h * w, c, seed).values) };
}

/** Each position repeated in a 2 x 2 window: the map a model that downsamples one block later would hold. */
function upsampled(l: LayerData, n: number): LayerData {
  const [h, w, c] = l.shape as [number, number, number];
  const values = new Float64Array(n * 4 * h * w * c);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < 2 * h; y++)
      for (let x = 0; x < 2 * w; x++)
        for (let k = 0; k < c; k++) values[((i * 2 * h + y) * 2 * w + x) * c + k] = l.values[((i * h + (y >> 1)) * w + (x >> 1)) * c + k]!;
  return { shape: [2 * h, 2 * w, c], values };
}

/** The centred Gram matrix of a layer, one row per image, computed plainly. */
function gramOf(l: LayerData, n: number): Float64Array {
  const d = l.values.length / n;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += l.values[i * d + j]! / n;
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (l.values[i * d + j]! - mean[j]!) * (l.values[k * d + j]! - mean[j]!);
      g[i * n + k] = s;
    }
  return g;
}

describe('both measures of one layer of two models', () => {
  it('give 1 for a copy held on a finer grid, and the finer map is pooled for the correlation only', () => {
    const a = convLayer(6, 3, 3, 4, 31);
    const s = layerSimilarity(a, upsampled(a, 6), 6);
    expect(s.correlation).toBeCloseTo(1, 10);
    expect(s.cka).toBeCloseTo(1, 10);
    expect(s.units).toEqual({ a: 4, b: 4 });
    expect(s.active).toBeUndefined();
  });

  it('take CKA from Gram matrices when given, with the same value', () => {
    const n = 12;
    const a = convLayer(n, 2, 2, 3, 32);
    const b = { shape: [5], values: Float64Array.from(noisyCopy(random(n, 5, 33), 34).values) };
    const plain = layerSimilarity(a, b, n);
    expect(plain.cka).toBeGreaterThan(0.05);
    expect(plain.cka).toBeLessThan(0.99);
    const viaGrams = layerSimilarity({ ...a, gram: gramOf(a, n) }, { ...b, gram: gramOf(b, n) }, n);
    expect(Math.abs(viaGrams.cka - plain.cka)).toBeLessThan(1e-12);
    expect(viaGrams.correlation).toBe(plain.correlation);
    expect(Math.abs(ckaFromGrams(gramOf(a, n), gramOf(b, n), n) - linearCka(representationOf(a.values, n, [12]), representationOf(b.values, n, [5])))).toBeLessThan(1e-12);
    expect(() => ckaFromGrams(gramOf(a, n), gramOf(b, n), n - 1)).toThrow(/11 x 11/);
  });

  it('report constant units per side, and for a side with no variance give no CKA, from Grams or not', () => {
    const n = 8;
    const a = convLayer(n, 2, 2, 3, 35);
    const b = { shape: [2, 2, 3], values: Float64Array.from(a.values) };
    for (let i = 0; i < b.values.length; i += 3) b.values[i + 1] = 0.5;
    const s = layerSimilarity(a, b, n);
    expect(s.constantUnits).toEqual({ a: 0, b: 1 });
    // b's two varying channels are a's first and last: a's middle channel finds only a weaker match.
    expect(s.correlation).toBeLessThan(1);
    expect(s.correlation).toBeGreaterThan(0.5);
    const flat = { shape: [2, 2, 3], values: new Float64Array(a.values.length).fill(0.25) };
    expect(layerSimilarity(a, flat, n).constantUnits).toEqual({ a: 0, b: 3 });
    expect(Number.isNaN(layerSimilarity(a, flat, n).cka)).toBe(true);
    expect(Number.isNaN(layerSimilarity({ ...a, gram: gramOf(a, n) }, { ...flat, gram: gramOf(flat, n) }, n).cka)).toBe(true);
  });

  it('for latent layers, count the active units and correlate those alone', () => {
    const n = 400;
    // Two informative units with variance 1/12 each and two nearly constant ones (variance 1/12 * 1e-4).
    const base = random(n, 2, 36);
    const make = (seedNoise: number, swap: boolean) => {
      const noise = random(n, 2, seedNoise);
      const values = new Float64Array(n * 4);
      for (let i = 0; i < n; i++) {
        values[i * 4 + (swap ? 1 : 0)] = base.values[i * 2]! as number;
        values[i * 4 + (swap ? 0 : 1)] = -(base.values[i * 2 + 1]! as number);
        values[i * 4 + 2] = 0.01 * (noise.values[i * 2]! as number);
        values[i * 4 + 3] = 0.01 * (noise.values[i * 2 + 1]! as number);
      }
      return { shape: [4], values, latent: true };
    };
    const s = layerSimilarity(make(37, false), make(38, true), n);
    expect(s.active!.units).toEqual({ a: 2, b: 2 });
    expect(s.active!.correlation).toBeCloseTo(1, 10);
    // The inactive units are noise to each other: the mean over every unit falls well below 1.
    expect(s.correlation).toBeLessThan(0.6);
    expect(columnsAbove(representationOf(make(37, false).values, n, [4]), ACTIVE_UNIT_VARIANCE).cols).toBe(2);
  });
});
