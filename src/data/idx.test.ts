import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { IdxFormatError, isGzip, parseIdx, readIdx } from './idx.ts';
import { gunzipNode } from './nodeFiles.ts';
import { gunzipBrowser } from './browserGunzip.ts';

/** A hand-built IDX file: magic 00 00 08 rank, big-endian dims, then the bytes. */
function idxBytes(dims: number[], data: number[], type = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out.set([0, 0, type, dims.length]);
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

const DIMS = [2, 3, 4];
const DATA = Array.from({ length: 24 }, (_, i) => (i * 11) % 256);

describe('parseIdx', () => {
  it('reads dims and data of a hand-built file', () => {
    const idx = parseIdx(idxBytes(DIMS, DATA));
    expect(idx.dims).toEqual(DIMS);
    expect(Array.from(idx.data)).toEqual(DATA);
  });

  it('reads dims above 255 as big-endian 32-bit', () => {
    const idx = parseIdx(idxBytes([300], Array.from({ length: 300 }, () => 7)));
    expect(idx.dims).toEqual([300]);
  });

  it('rejects a truncated file, naming the sizes', () => {
    const full = idxBytes(DIMS, DATA);
    expect(() => parseIdx(full.subarray(0, full.length - 1))).toThrow(/truncated.*2x3x4 need 40 bytes, got 39/);
    expect(() => parseIdx(full.subarray(0, 9))).toThrow(/truncated: the header/);
    expect(() => parseIdx(full.subarray(0, 2))).toThrow(IdxFormatError);
  });

  it('rejects a wrong magic number, an unsupported type, trailing bytes and zero dimensions', () => {
    const bad = idxBytes(DIMS, DATA);
    bad[1] = 7;
    expect(() => parseIdx(bad)).toThrow(/wrong magic number 0x00070803/);
    expect(() => parseIdx(idxBytes(DIMS, DATA, 0x0d))).toThrow(/unsupported IDX data type 0x0d/);
    expect(() => parseIdx(idxBytes(DIMS, [...DATA, 0]))).toThrow(/size mismatch/);
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 0]))).toThrow(/zero dimensions/);
  });

  it('refuses gzip input with advice instead of misparsing it', () => {
    expect(() => parseIdx(gzipSync(idxBytes(DIMS, DATA)))).toThrow(/gzip-compressed/);
  });
});

describe('readIdx with gzip', () => {
  const raw = idxBytes(DIMS, DATA);
  const zipped = new Uint8Array(gzipSync(raw));

  it('detects gzip by its magic bytes only', () => {
    expect(isGzip(zipped)).toBe(true);
    expect(isGzip(raw)).toBe(false);
    expect(isGzip(new Uint8Array([0x1f]))).toBe(false);
  });

  it('round-trips through node:zlib and through DecompressionStream', async () => {
    for (const gunzip of [gunzipNode, gunzipBrowser]) {
      const idx = await readIdx(zipped, gunzip);
      expect(idx.dims).toEqual(DIMS);
      expect(Array.from(idx.data)).toEqual(DATA);
    }
  });

  it('does not call gunzip on raw input', async () => {
    const idx = await readIdx(raw, () => Promise.reject(new Error('gunzip called')));
    expect(idx.dims).toEqual(DIMS);
  });
});
