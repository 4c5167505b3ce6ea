/**
 * Input complexity (Serrà et al., ICLR 2020): the likelihood corrected by the length a generic
 * lossless compressor needs for the same image,
 *   S(x) = -log2 p(x) - L(x)   bits, L(x) the length of x compressed (here a PNG file).
 * Larger = more out-of-distribution, as LLR>k: a simple image that any coder writes in few bits
 * (an MNIST digit for a FashionMNIST model) no longer passes for in-distribution because the model,
 * too, writes it in few bits; what counts is how much better the model does than the generic coder.
 * -log2 p(x) is taken from the bound L>0 (nats). Eval files keep every score in nats, so the
 * score stored is S(x) ln 2 = -L>0 - L(x) ln 2.
 *
 * What is compressed is exactly what the likelihood is of: the model's p(x) is a Bernoulli
 * distribution over the binarised image (evaluation binarises each test set once, seeded), so L(x)
 * is that binary image's length as a 1-bit greyscale PNG, and both terms are code lengths of the
 * same object. A PNG of the grey original would code intensities the model never scores.
 * The PNG is written by fast-png (pure JavaScript: Node, page and workers write the same bytes)
 * with zlib level 9, the level of the OpenCV PNG writer that Serrà et al.'s and Xiao et al.'s code
 * call; the whole file counts, as theirs does: its fixed chunks shift every score alike.
 */
import { encode } from 'fast-png';

/** The binary image (values exactly 0 or 1, row-major) as a 1-bit greyscale PNG file. */
export function binaryPng(pixels: ArrayLike<number>, width: number, height: number): Uint8Array {
  if (pixels.length !== width * height) throw new Error(`expected ${width * height} pixels for ${width}x${height}, got ${pixels.length}`);
  const rowBytes = Math.ceil(width / 8);
  const packed = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = pixels[y * width + x]!;
      if (v !== 0 && v !== 1) throw new Error(`pixel (${x}, ${y}) is ${v}: input complexity codes the binarised image the model scores, whose pixels are 0 or 1`);
      // PNG packs the leftmost pixel into the most significant bit.
      if (v === 1) packed[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return encode({ width, height, data: packed, depth: 1, channels: 1 }, { zlib: { level: 9 } });
}

/** L(x): the length in bits of the binary image's PNG file. */
export function pngCodeLengthBits(pixels: ArrayLike<number>, width: number, height: number): number {
  return binaryPng(pixels, width, height).length * 8;
}

/** S(x) ln 2 in nats from the bound L>0 (nats) and the code length L(x) (bits). */
export function inputComplexity(elboNats: number, codeLengthBits: number): number {
  return -elboNats - codeLengthBits * Math.LN2;
}

/** The input complexity of each of `elbos.length` binary images stored flat, each width x height. */
export function inputComplexityScores(elbos: ArrayLike<number>, images: Float32Array, width: number, height: number): Float64Array {
  const D = width * height;
  if (images.length !== elbos.length * D) throw new Error(`${elbos.length} bounds need ${elbos.length * D} pixels, got ${images.length}`);
  return Float64Array.from(elbos, (elbo, n) => inputComplexity(elbo, pngCodeLengthBits(images.subarray(n * D, (n + 1) * D), width, height)));
}
