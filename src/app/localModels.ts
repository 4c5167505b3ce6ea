/**
 * Models kept in this browser (trained on the Train page or imported from a .hvae file), stored
 * as their .hvae bytes in IndexedDB. They appear in the Playground's model list under a
 * `local:` name; the scoring and training workers build them from the bytes.
 */
import { unpackModelFile } from '../hvae/modelFile.ts';
import { MODELS_STORE, withStore } from './indexedDb.ts';

export const LOCAL_PREFIX = 'local:';

export interface LocalModelSummary {
  name: string;
  savedAt: string;
  bytes: number;
  dataset: string;
  config: string;
  /** E.g. "500 FashionMNIST training images, 3 epochs", from the model's metadata. */
  description: string;
}

interface LocalModelRecord extends LocalModelSummary {
  file: ArrayBuffer;
}

export const isLocalModel = (key: string): boolean => key.startsWith(LOCAL_PREFIX);
export const localKey = (name: string): string => `${LOCAL_PREFIX}${name}`;
export const localName = (key: string): string => key.slice(LOCAL_PREFIX.length);

/**
 * What the list shows of a model file, to be stored as `name`. Checks the whole file first and
 * throws its problem (a WeightsError naming `fileName`) for a file that is not a model.
 */
export function summarize(name: string, file: ArrayBuffer, fileName = name): LocalModelSummary {
  const { json } = unpackModelFile(new Uint8Array(file), fileName);
  const meta = json.meta;
  const parts = [typeof meta.training_data === 'string' ? meta.training_data : null, typeof meta.epochs === 'number' ? `${meta.epochs} epochs` : null];
  return {
    name,
    savedAt: new Date().toISOString(),
    bytes: file.byteLength,
    dataset: typeof meta.dataset === 'string' ? meta.dataset : 'unknown',
    config: json.config.name,
    description: parts.filter(Boolean).join(', ') || 'imported model',
  };
}

export async function listLocalModels(): Promise<LocalModelSummary[]> {
  const all = await withStore<LocalModelRecord[]>(MODELS_STORE, 'readonly', 'reading the saved models', (s) => s.getAll() as IDBRequest<LocalModelRecord[]>);
  return all.map(({ file: _file, ...summary }) => summary).sort((a, b) => a.savedAt.localeCompare(b.savedAt));
}

export async function loadLocalModel(name: string): Promise<ArrayBuffer> {
  const rec = await withStore<LocalModelRecord | undefined>(MODELS_STORE, 'readonly', `reading the model "${name}"`, (s) => s.get(name) as IDBRequest<LocalModelRecord | undefined>);
  if (!rec) throw new Error(`no model named "${name}" is saved in this browser (it may have been deleted)`);
  return rec.file;
}

/** Stores a model file under its summary's name, replacing one of the same name. */
export async function saveLocalModel(summary: LocalModelSummary, file: ArrayBuffer): Promise<void> {
  const rec: LocalModelRecord = { ...summary, file };
  await withStore(MODELS_STORE, 'readwrite', `the model "${summary.name}" (${(file.byteLength / 1e6).toFixed(2)} MB)`, (s) => s.put(rec));
}

export async function deleteLocalModel(name: string): Promise<void> {
  await withStore(MODELS_STORE, 'readwrite', `deleting the model "${name}"`, (s) => s.delete(name));
}

/** `base`, or `base (2)`, `base (3)`, ... : the first name not taken. */
export function freeName(base: string, taken: readonly string[]): string {
  if (!taken.includes(base)) return base;
  for (let i = 2; ; i++) if (!taken.includes(`${base} (${i})`)) return `${base} (${i})`;
}
