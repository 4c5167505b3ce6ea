import { describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import { inflateSync } from 'node:zlib';
import { mulberry32 } from '../data/random.ts';
import { binaryPng, inputComplexity, inputComplexityScores, pngCodeLengthBits } from './inputComplexity.ts';

const W = 28;
const H = 28;
const constant = new Float32Array(W * H);
const rng = mulberry32(3);
const noise = Float32Array.from({ length: W * H }, () => (rng() < 0.5 ? 1 : 0));

describe('the PNG code length L(x)', () => {
  it('is the whole file in bits: signature, IHDR, one IDAT holding the zlib stream of the filtered rows, IEND', () => {
    // A 10x2 image: one row of ink on the left half, one empty row. 1-bit rows take 2 bytes, each after filter byte 0.
    const pixels = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const png = binaryPng(pixels, 10, 2);
    const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
    const chunk = (at: number) => ({ length: view.getUint32(at), type: new TextDecoder().decode(png.subarray(at + 4, at + 8)) });
    expect(chunk(8)).toEqual({ length: 13, type: 'IHDR' });
    // Width 10, height 2, bit depth 1, greyscale.
    expect([view.getUint32(16), view.getUint32(20), png[24], png[25]]).toEqual([10, 2, 1, 0]);
    const idat = chunk(8 + 25);
    expect(idat.type).toBe('IDAT');
    expect(Array.from(inflateSync(png.subarray(8 + 25 + 8, 8 + 25 + 8 + idat.length)))).toEqual([0, 0b11111000, 0b00000000, 0, 0, 0]);
    expect(chunk(8 + 25 + 12 + idat.length)).toEqual({ length: 0, type: 'IEND' });
    expect(png.length).toBe(8 + 25 + (12 + idat.length) + 12);
    expect(pngCodeLengthBits(pixels, 10, 2)).toBe(png.length * 8);
  });

  it('is lossless: the PNG decodes to the same 1-bit image', () => {
    const png = decode(binaryPng(noise, W, H));
    expect([png.width, png.height, png.depth, png.channels]).toEqual([W, H, 1, 1]);
    // fast-png returns 1-bit rows packed as in the file: 4 bytes per row of 28, leftmost pixel in the top bit.
    const bits = Array.from({ length: W * H }, (_, i) => {
      const [y, x] = [Math.floor(i / W), i % W];
      return (png.data[y * 4 + (x >> 3)]! >> (7 - (x & 7))) & 1;
    });
    expect(bits).toEqual(Array.from(noise));
  });

  it('is the same every time, and longer for noise than for a constant image', () => {
    expect(pngCodeLengthBits(noise, W, H)).toBe(pngCodeLengthBits(Float32Array.from(noise), W, H));
    expect(pngCodeLengthBits(noise, W, H)).toBeGreaterThan(pngCodeLengthBits(constant, W, H) + 8 * 50);
  });

  it('refuses grey pixels and a wrong pixel count', () => {
    expect(() => binaryPng([0, 0.5, 1, 1], 2, 2)).toThrow(/pixel \(1, 0\) is 0.5/);
    expect(() => binaryPng([0, 1, 1], 2, 2)).toThrow(/expected 4 pixels/);
  });
});

describe('the input complexity score', () => {
  it('is -log2 p(x) - L(x) in bits, stored times ln 2: one nat less of bound is one nat more OOD', () => {
    const bits = 1000;
    expect(inputComplexity(-300, bits) / Math.LN2).toBeCloseTo(300 / Math.LN2 - bits, 10);
    expect(inputComplexity(-301, bits) - inputComplexity(-300, bits)).toBeCloseTo(1, 12);
    // At equal bounds the image a generic coder finds harder scores lower: the model did relatively better on it.
    const [flat, noisy] = inputComplexityScores([-200, -200], Float32Array.from([...constant, ...noise]), W, H);
    expect(flat).toBeCloseTo(inputComplexity(-200, pngCodeLengthBits(constant, W, H)), 10);
    expect(noisy!).toBeLessThan(flat!);
  });
});
