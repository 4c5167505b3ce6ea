/**
 * IDX reader (the file format of MNIST and FashionMNIST). Platform-free: gzip-compressed input is
 * recognised by its magic bytes and decompressed by a function the caller injects (node:zlib in Node,
 * DecompressionStream in the browser).
 */

export interface IdxArray {
  dims: number[];
  /** A view into the parsed bytes, not a copy. */
  data: Uint8Array;
}

export type Gunzip = (bytes: Uint8Array) => Promise<Uint8Array>;

export class IdxFormatError extends Error {
  override name = 'IdxFormatError';
}

const UNSIGNED_BYTE = 0x08;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function parseIdx(bytes: Uint8Array): IdxArray {
  if (isGzip(bytes)) throw new IdxFormatError('the data is gzip-compressed: decompress it first (readIdx does)');
  if (bytes.length < 4) throw new IdxFormatError(`truncated: ${bytes.length} bytes is shorter than the 4-byte IDX magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
    throw new IdxFormatError(`wrong magic number 0x${magic}: an IDX file starts with two zero bytes`);
  }
  const type = bytes[2]!;
  if (type !== UNSIGNED_BYTE) {
    throw new IdxFormatError(`unsupported IDX data type 0x${type.toString(16).padStart(2, '0')}: only 0x08 (unsigned byte) is supported`);
  }
  const rank = bytes[3]!;
  if (rank === 0) throw new IdxFormatError('malformed IDX header: zero dimensions');
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) {
    throw new IdxFormatError(`truncated: the header of ${rank} dimensions needs ${headerLength} bytes, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const expected = headerLength + dims.reduce((a, b) => a * b, 1);
  if (bytes.length < expected) {
    throw new IdxFormatError(`truncated: dimensions ${dims.join('x')} need ${expected} bytes, got ${bytes.length}`);
  }
  if (bytes.length > expected) {
    throw new IdxFormatError(`size mismatch: dimensions ${dims.join('x')} need ${expected} bytes, got ${bytes.length}`);
  }
  return { dims, data: bytes.subarray(headerLength, expected) };
}

/** Parses IDX bytes, decompressing them first when they are gzip. */
export async function readIdx(bytes: Uint8Array, gunzip: Gunzip): Promise<IdxArray> {
  return parseIdx(isGzip(bytes) ? await gunzip(bytes) : bytes);
}
