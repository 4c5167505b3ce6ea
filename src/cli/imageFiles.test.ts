import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { encode as encodeBmp } from 'bmp-ts';
import { describe, expect, it } from 'vitest';
import { readImageFile } from './imageFiles.ts';

const dir = mkdtempSync(join(tmpdir(), 'image-files-'));
/** A 40x30 grey ramp: every pixel a different level, 0..255 repeating. */
const W = 40;
const H = 30;
const ramp = Buffer.from(Array.from({ length: W * H }, (_, i) => (i * 7) % 256));
const raw = () => sharp(ramp, { raw: { width: W, height: H, channels: 1 } });

async function write(name: string, bytes: Buffer | Promise<Buffer>): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, await bytes);
  return path;
}

function bmp24(): Buffer {
  // bmp-ts takes ABGR.
  const abgr = Buffer.alloc(W * H * 4);
  ramp.forEach((v, i) => abgr.set([0, v, v, v], i * 4));
  return encodeBmp({ width: W, height: H, data: abgr, bitPP: 24 }).data;
}

describe('readImageFile reads every format the page reads', () => {
  it.each([
    ['png', () => raw().png().toBuffer()],
    ['webp', () => raw().webp({ lossless: true }).toBuffer()],
    ['bmp', async () => bmp24()],
  ])('%s (lossless): every pixel exactly, opaque', async (ext, bytes) => {
    const img = await readImageFile(await write(`ramp.${ext}`, bytes()));
    expect([img.width, img.height]).toEqual([W, H]);
    for (let i = 0; i < W * H; i++) expect([...img.data.subarray(i * 4, i * 4 + 4)]).toEqual([ramp[i], ramp[i], ramp[i], 255]);
  });

  it.each([
    ['jpg', () => raw().jpeg({ quality: 95 }).toBuffer(), 8],
    ['gif', () => raw().gif().toBuffer(), 8],
  ])('%s (lossy or paletted): every pixel within %i levels', async (ext, bytes, tolerance) => {
    const img = await readImageFile(await write(`ramp.${ext}`, bytes()));
    expect([img.width, img.height]).toEqual([W, H]);
    let worst = 0;
    for (let i = 0; i < W * H; i++) worst = Math.max(worst, Math.abs(img.data[i * 4]! - ramp[i]!));
    expect(worst).toBeLessThanOrEqual(tolerance);
  });

  it('turns a picture upright by its EXIF orientation, as the browser does', async () => {
    // Orientation 6: stored 40x30, shown rotated a quarter turn clockwise, 30x40.
    const img = await readImageFile(await write('turned.jpg', raw().jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer()));
    expect([img.width, img.height]).toEqual([H, W]);
  });

  it('refuses what is not an image, a damaged file and a missing one, each with one sentence naming the file', async () => {
    await expect(readImageFile(await write('notes.png', Buffer.from('not an image at all')))).rejects.toThrow(/notes\.png: not a PNG, JPEG, WebP, GIF or BMP image/);
    const cut = (await raw().png().toBuffer()).subarray(0, 60);
    await expect(readImageFile(await write('cut.png', cut))).rejects.toThrow(/cut\.png: could not decode the image; the file is damaged or incomplete/);
    await expect(readImageFile(join(dir, 'absent.png'))).rejects.toThrow(/absent\.png: no such file/);
    await expect(readImageFile(await write('empty.png', Buffer.alloc(0)))).rejects.toThrow(/empty\.png: the file is empty/);
  });
});
