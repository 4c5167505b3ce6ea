/** Test images as files: the page's upload and `npm run score` read the same file the same way. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';

/** The first MNIST gallery image as a 28x28 grey PNG in `dir` (a new temporary folder by default); returns its path. */
export function galleryPng(dir: string = mkdtempSync(join(tmpdir(), 'gallery-'))): string {
  const bytes = readFileSync('public/gallery/mnist-test.bin').subarray(0, 784);
  const png = new PNG({ width: 28, height: 28 });
  for (let i = 0; i < 784; i++) {
    png.data[i * 4] = png.data[i * 4 + 1] = png.data[i * 4 + 2] = bytes[i]!;
    png.data[i * 4 + 3] = 255;
  }
  const path = join(dir, 'mnist-0.png');
  writeFileSync(path, PNG.sync.write(png));
  return path;
}
