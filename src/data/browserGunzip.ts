/** gzip decompression in the browser (and workers) through the built-in DecompressionStream. */

export async function gunzipBrowser(bytes: Uint8Array): Promise<Uint8Array> {
  // Blob accepts views of plain ArrayBuffers only; copy anything else.
  const plain = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
  const stream = new Blob([plain]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
