/**
 * The app's IndexedDB database: models trained or imported in this browser, and the examples
 * drawn or uploaded for training. Requests as promises, and a storage-full error that says so.
 */
const DB_NAME = 'hvae-ood';
const DB_VERSION = 1;
export const MODELS_STORE = 'models';
export const EXAMPLES_STORE = 'examples';

/** The browser refused to store more: the quota of this site is used up. */
export class StorageFullError extends Error {
  override name = 'StorageFullError';
}

let opened: Promise<IDBDatabase> | null = null;

function openDb(): Promise<IDBDatabase> {
  opened ??= new Promise<IDBDatabase>((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      reject(new Error('this browser offers no IndexedDB (a private window may disable it): models cannot be kept across reloads'));
      return;
    }
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(MODELS_STORE)) db.createObjectStore(MODELS_STORE, { keyPath: 'name' });
      if (!db.objectStoreNames.contains(EXAMPLES_STORE)) db.createObjectStore(EXAMPLES_STORE, { keyPath: 'id', autoIncrement: true });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`the browser's database could not be opened: ${req.error?.message ?? 'unknown error'}`));
  }).catch((e: unknown) => {
    opened = null;
    throw e;
  });
  return opened;
}

async function storageLine(): Promise<string> {
  const est = await navigator.storage?.estimate?.().catch(() => null);
  if (!est?.quota) return '';
  const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
  return ` (this site uses ${mb(est.usage ?? 0)} of its ${mb(est.quota)})`;
}

async function translate(error: DOMException | null, what: string): Promise<Error> {
  if (error?.name === 'QuotaExceededError') return new StorageFullError(`the browser's storage for this site is full${await storageLine()}: ${what} could not be saved`);
  return new Error(`${what} failed: ${error?.message ?? 'unknown error'}`);
}

/**
 * Runs `body` in one transaction on `store` and resolves with its result once the transaction
 * has committed, so a write that the quota refuses rejects instead of appearing to succeed.
 */
export async function withStore<T>(store: string, mode: IDBTransactionMode, what: string, body: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  return new Promise<T>((resolve, reject) => {
    let tx: IDBTransaction;
    try {
      tx = db.transaction(store, mode);
    } catch (e) {
      reject(new Error(`${what} failed: ${(e as Error).message}`));
      return;
    }
    let req: IDBRequest<T>;
    try {
      req = body(tx.objectStore(store));
    } catch (e) {
      // A synchronous refusal (e.g. a value that cannot be cloned) aborts nothing yet: abort and report.
      tx.abort();
      void translate(e instanceof DOMException ? e : null, what).then(reject);
      return;
    }
    tx.oncomplete = () => resolve(req.result);
    tx.onabort = () => void translate(tx.error ?? req.error, what).then(reject);
  });
}
