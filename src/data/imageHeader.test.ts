import { describe, expect, it } from 'vitest';
import { MAX_INPUT_PIXELS } from './picture.ts';
import { MAX_IMAGE_FILE_BYTES, checkImageBytes, fileSizeProblem, pixelCountProblem, sniffFormat, sniffImage } from './imageHeader.ts';

const text = (s: string) => [...s].map((c) => c.charCodeAt(0));
const u16be = (v: number) => [(v >> 8) & 0xff, v & 0xff];
const u32be = (v: number) => [(v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
const u16le = (v: number) => [v & 0xff, (v >> 8) & 0xff];
const u24le = (v: number) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff];
const u32le = (v: number) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
const bytes = (...parts: number[][]) => Uint8Array.from(parts.flat());

function png(width: number, height: number): Uint8Array {
  const ihdr = [...u32be(width), ...u32be(height), 8, 6, 0, 0, 0];
  return bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], u32be(13), text('IHDR'), ihdr, [0, 0, 0, 0]);
}

/** SOI, an APP0 segment, a DQT segment, then a start-of-frame segment with the given marker. */
function jpeg(width: number, height: number, sof = 0xc0): Uint8Array {
  const app0 = [0xff, 0xe0, ...u16be(16), ...text('JFIF'), 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const dqt = [0xff, 0xdb, ...u16be(67), 0, ...new Array<number>(64).fill(1)];
  const frame = [0xff, sof, ...u16be(11), 8, ...u16be(height), ...u16be(width), 1, 1, 0x11, 0];
  return bytes([0xff, 0xd8], app0, dqt, frame, [0xff, 0xd9]);
}

function riff(chunk: string, payload: number[]): Uint8Array {
  return bytes(text('RIFF'), u32le(payload.length + 12), text('WEBP'), text(chunk), u32le(payload.length), payload);
}

function gif(width: number, height: number, afterScreen: number[] = []): Uint8Array {
  return bytes(text('GIF89a'), u16le(width), u16le(height), [0, 0, 0], afterScreen);
}

function bmp(width: number, height: number): Uint8Array {
  return bytes(text('BM'), u32le(54), [0, 0, 0, 0], u32le(54), u32le(40), u32le(width), u32le(height), u16le(1), u16le(24));
}

describe('sniffImage', () => {
  it('reads PNG sizes from IHDR', () => {
    expect(sniffImage(png(640, 480))).toEqual({ format: 'png', width: 640, height: 480 });
    expect(sniffImage(png(100_000, 70_000))).toEqual({ format: 'png', width: 100_000, height: 70_000 });
  });

  it('reads JPEG sizes from the first start-of-frame after other segments', () => {
    expect(sniffImage(jpeg(300, 200))).toEqual({ format: 'jpeg', width: 300, height: 200 });
    expect(sniffImage(jpeg(1024, 768, 0xc2))).toEqual({ format: 'jpeg', width: 1024, height: 768 });
  });

  it('does not mistake DHT (C4) for a start-of-frame', () => {
    const dht = [0xff, 0xc4, ...u16be(5), 0x12, 0x34, 0x56];
    const sof = [0xff, 0xc0, ...u16be(11), 8, ...u16be(7), ...u16be(9), 1, 1, 0x11, 0];
    expect(sniffImage(bytes([0xff, 0xd8], dht, sof))).toEqual({ format: 'jpeg', width: 9, height: 7 });
  });

  it('skips fill bytes before a JPEG marker', () => {
    const sof = [0xff, 0xff, 0xff, 0xc1, ...u16be(11), 8, ...u16be(12), ...u16be(34), 1, 1, 0x11, 0];
    expect(sniffImage(bytes([0xff, 0xd8], sof))).toEqual({ format: 'jpeg', width: 34, height: 12 });
  });

  it('reads the three WebP chunk kinds', () => {
    const vp8 = [0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a, ...u16le(400), ...u16le(300 | 0x4000)];
    expect(sniffImage(riff('VP8 ', vp8))).toEqual({ format: 'webp', width: 400, height: 300 });
    // width - 1 = 249 in bits 0-13, height - 1 = 99 in bits 14-27.
    const vp8l = [0x2f, ...u32le(249 | (99 << 14)), 0];
    expect(sniffImage(riff('VP8L', vp8l))).toEqual({ format: 'webp', width: 250, height: 100 });
    const vp8x = [0x10, 0, 0, 0, ...u24le(7999), ...u24le(5999)];
    expect(sniffImage(riff('VP8X', vp8x))).toEqual({ format: 'webp', width: 8000, height: 6000 });
  });

  it('reads the GIF logical screen', () => {
    expect(sniffImage(gif(28, 28))).toEqual({ format: 'gif', width: 28, height: 28 });
  });

  it('widens a GIF to a first frame that reaches past the logical screen, past a colour table and extensions', () => {
    const globalTable = new Array<number>(3 * 4).fill(0); // flags 0x81: a 4-entry global colour table
    const graphicControl = [0x21, 0xf9, 4, 0, 0, 0, 0, 0];
    const descriptor = [0x2c, ...u16le(10), ...u16le(20), ...u16le(9000), ...u16le(5000), 0];
    const file = bytes(text('GIF89a'), u16le(1), u16le(1), [0x81, 0, 0], globalTable, graphicControl, descriptor);
    expect(sniffImage(file)).toEqual({ format: 'gif', width: 9010, height: 5020 });
  });

  it('reads BMP info headers, with top-down (negative) heights, and core headers', () => {
    expect(sniffImage(bmp(120, 80))).toEqual({ format: 'bmp', width: 120, height: 80 });
    expect(sniffImage(bmp(120, -80))).toEqual({ format: 'bmp', width: 120, height: 80 });
    const core = bytes(text('BM'), u32le(26), [0, 0, 0, 0], u32le(26), u32le(12), u16le(33), u16le(44), u16le(1), u16le(24));
    expect(sniffImage(core)).toEqual({ format: 'bmp', width: 33, height: 44 });
  });

  it('refuses truncated headers of every format', () => {
    const whole = [png(10, 10), jpeg(10, 10), riff('VP8X', [0, 0, 0, 0, ...u24le(9), ...u24le(9)]), gif(10, 10), bmp(10, 10)];
    const cuts = [23, 2 + 18 + 69 + 8, 29, 9, 25];
    whole.forEach((file, i) => {
      expect(sniffImage(file)).not.toBeNull();
      expect(sniffImage(file.subarray(0, cuts[i]))).toBeNull();
    });
  });

  it('refuses zero sizes and invalid headers', () => {
    expect(sniffImage(png(0, 10))).toBeNull();
    expect(sniffImage(bmp(-5, 10))).toBeNull();
    expect(sniffImage(jpeg(10, 0))).toBeNull(); // height deferred to a DNL marker
    expect(sniffImage(riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2b, 10, 0, 10, 0]))).toBeNull(); // bad start code
    expect(sniffImage(riff('ALPH', new Array<number>(12).fill(0)))).toBeNull();
    expect(sniffImage(bytes([0xff, 0xd8], [0xff, 0xda, 0, 2]))).toBeNull(); // scan before any frame
  });

  it('refuses unknown bytes', () => {
    expect(sniffImage(new Uint8Array())).toBeNull();
    expect(sniffImage(Uint8Array.from(text('hello, world')))).toBeNull();
    expect(sniffImage(Uint8Array.from(text('%PDF-1.7\n')))).toBeNull();
    expect(sniffImage(Uint8Array.from(text('BMW owners club newsletter')))).toBeNull();
    expect(sniffImage(bytes(text('RIFF'), u32le(4), text('WAVEfmt ')))).toBeNull();
  });

  it('reads bytes at an offset inside a larger buffer', () => {
    const file = png(12, 34);
    const buffer = new Uint8Array(file.length + 5);
    buffer.set(file, 5);
    expect(sniffImage(buffer.subarray(5))).toEqual({ format: 'png', width: 12, height: 34 });
  });
});

describe('sniffFormat', () => {
  it('names the format even when the header is cut short', () => {
    expect(sniffFormat(png(1, 1).subarray(0, 8))).toBe('png');
    expect(sniffFormat(Uint8Array.from([0xff, 0xd8, 0xff]))).toBe('jpeg');
    expect(sniffFormat(Uint8Array.from(text('GIF87a')))).toBe('gif');
    expect(sniffFormat(Uint8Array.from(text('GIF88a')))).toBeNull();
  });
});

describe('checkImageBytes', () => {
  it('accepts a small image and returns its header', () => {
    expect(checkImageBytes('a.png', png(28, 28))).toEqual({ ok: true, header: { format: 'png', width: 28, height: 28 } });
  });

  it('refuses with one sentence naming the file', () => {
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(), /^x\.img: the file is empty\.$/],
      [Uint8Array.from(text('not an image')), /^x\.img: not a PNG, JPEG, WebP, GIF or BMP image\.$/],
      [png(1, 1).subarray(0, 20), /^x\.img: could not decode the PNG header; the file is damaged or incomplete\.$/],
      [png(8000, 5001), /^x\.img: the image is 8000x5001 \(40\.0 megapixels\); the limit is 40 megapixels\.$/],
    ];
    for (const [file, message] of cases) {
      const result = checkImageBytes('x.img', file);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toMatch(message);
    }
  });

  it('puts the pixel limit exactly at MAX_INPUT_PIXELS', () => {
    expect(checkImageBytes('edge.png', png(8000, 5000)).ok).toBe(true);
    expect(8000 * 5000).toBe(MAX_INPUT_PIXELS);
    expect(pixelCountProblem('edge.png', 8000, 5000)).toBeNull();
    expect(pixelCountProblem('edge.png', 8001, 5000)).toMatch(/^edge\.png: /);
  });

  it('puts the file size limit at 25 MB', () => {
    expect(fileSizeProblem('big.jpg', MAX_IMAGE_FILE_BYTES)).toBeNull();
    expect(fileSizeProblem('big.jpg', 30 * 1024 * 1024)).toBe('big.jpg: the file is 30.0 MB; the limit is 25 MB.');
  });
});
