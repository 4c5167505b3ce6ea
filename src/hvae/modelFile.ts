/**
 * A whole model in one file (extension .hvae): what the page exports and imports, and what
 * `npm run eval` and `npm run score` take besides a model folder. Little-endian layout:
 *   bytes 0..7    the ASCII magic "HVAE-OOD"
 *   bytes 8..11   uint32 n, the length in bytes of the model.json text (UTF-8)
 *   bytes 12..    the model.json text, then zero bytes up to a multiple of 4
 *   the rest      the weight shard, float32, exactly as weights.bin in a model folder
 * No tfjs here: the page checks a file on its main thread before a worker builds the model.
 */
import { WeightsError, decodeTensors, parseModelJson, type ModelJson } from './modelJson.ts';

export const MODEL_FILE_EXTENSION = '.hvae';
const MAGIC = 'HVAE-OOD';
const HEADER_BYTES = MAGIC.length + 4;

export function packModelFile(json: ModelJson, weights: ArrayBuffer): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(json));
  const weightsAt = Math.ceil((HEADER_BYTES + text.length) / 4) * 4;
  const out = new Uint8Array(weightsAt + weights.byteLength);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, text.length, true);
  out.set(text, HEADER_BYTES);
  out.set(new Uint8Array(weights), weightsAt);
  return out;
}

/**
 * Splits a model file into its model.json and weight shard, and checks both (the config is one
 * this code builds, the shard has exactly the manifest's size and finite values). `name` names
 * the file in every message.
 */
export function unpackModelFile(bytes: Uint8Array, name: string): { json: ModelJson; weights: ArrayBuffer } {
  if (bytes.length === 0) throw new WeightsError(`${name} is empty`);
  const magic = new TextDecoder().decode(bytes.subarray(0, MAGIC.length));
  if (magic !== MAGIC) {
    const looksJson = bytes[0] === 0x7b; // '{'
    throw new WeightsError(
      looksJson
        ? `${name} is a JSON file, not a model file: a model file exported from the Train page starts with "${MAGIC}" (for a model folder, pass the folder)`
        : `${name} is not a model file: it does not start with "${MAGIC}"`,
    );
  }
  if (bytes.length < HEADER_BYTES) throw new WeightsError(`${name} is truncated (${bytes.length} bytes, shorter than its header)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const textLength = view.getUint32(MAGIC.length, true);
  const weightsAt = Math.ceil((HEADER_BYTES + textLength) / 4) * 4;
  if (weightsAt > bytes.length) throw new WeightsError(`${name} is truncated: its header promises ${textLength} bytes of model.json, the file has ${bytes.length} bytes`);
  let json: ModelJson;
  try {
    json = parseModelJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(HEADER_BYTES, HEADER_BYTES + textLength)));
  } catch (e) {
    throw new WeightsError(`${name}: ${(e as Error).message}`);
  }
  // A copy (also of a Node Buffer, whose slice is a view): the caller may transfer it to a worker, and the float32 views need 4-byte alignment.
  const weights = new Uint8Array(bytes.subarray(weightsAt)).buffer;
  decodeTensors(json.weightsManifest[0]!.weights, weights, `${name} (weights)`);
  return { json, weights };
}
