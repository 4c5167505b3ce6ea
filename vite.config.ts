import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { DATASETS } from './src/data/datasets.ts';

const MODELS_DIR = 'models';

/**
 * Cross-origin isolation: with these headers the page may use SharedArrayBuffer, so tfjs picks its
 * threaded wasm binary and runs on every core. Every asset is same-origin, so require-corp blocks nothing.
 * A static host must send the same headers (README, "Serving the built app").
 */
export const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

/** Sends the isolation headers with every answer of the dev server and of vite preview, the middlewares of the other plugins included. */
function crossOriginIsolation(): Plugin {
  const isolate = (_req: unknown, res: { setHeader(name: string, value: string): void }, next: () => void) => {
    for (const [name, value] of Object.entries(CROSS_ORIGIN_ISOLATION)) res.setHeader(name, value);
    next();
  };
  return {
    name: 'cross-origin-isolation',
    configureServer: (server) => void server.middlewares.use(isolate),
    configurePreviewServer: (server) => void server.middlewares.use(isolate),
  };
}

/**
 * tfjs's threaded wasm starts its threads from the source text of its module factory (a Blob made from
 * `factory.toString()`), where the factory's enclosing scope is gone. The factory guards its one outside
 * name with `typeof _scriptDir !== "undefined"`, which the minifier turns into `e !== void 0`: a
 * ReferenceError in every thread. A try/catch says the same and survives minification.
 */
function tfjsThreadsSurviveMinification(): Plugin {
  const guard = 'if(typeof _scriptDir !== "undefined" && _scriptDir){scriptDirectory=_scriptDir}';
  return {
    name: 'tfjs-threads-survive-minification',
    apply: 'build',
    transform(code, id) {
      if (!id.replace(/\\/g, '/').endsWith('tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js')) return null;
      if (!code.includes(guard)) this.error(`the threaded wasm factory changed: "${guard}" not found; check that its threads still start when minified`);
      return { code: code.replace(guard, 'try{if(_scriptDir){scriptDirectory=_scriptDir}}catch(e){}'), map: null };
    },
  };
}

/** Every file under models/ that the app may fetch: weights, cards, eval scores, reports. */
function modelFiles(): string[] {
  if (!existsSync(MODELS_DIR)) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(json|bin|md)$/.test(name) && !name.endsWith('.partial')) out.push(relative(MODELS_DIR, p));
    }
  };
  walk(MODELS_DIR);
  return out;
}

/** models/index.json: the shipped models, read from their folders at serve/build time. */
function modelIndex(): string {
  const models = existsSync(MODELS_DIR)
    ? readdirSync(MODELS_DIR)
        .filter((d) => existsSync(join(MODELS_DIR, d, 'model.json')))
        .map((d) => {
          const json = JSON.parse(readFileSync(join(MODELS_DIR, d, 'model.json'), 'utf8')) as { meta?: Record<string, unknown>; config?: { model?: string } };
          const cardPath = join(MODELS_DIR, d, 'card.json');
          const evalDir = join(MODELS_DIR, d, 'eval');
          return {
            name: d,
            dataset: json.meta?.dataset ?? null,
            kind: json.config?.model ?? 'hvae',
            card: existsSync(cardPath) ? JSON.parse(readFileSync(cardPath, 'utf8')) : null,
            evalFiles: existsSync(evalDir) ? readdirSync(evalDir).filter((f) => f.endsWith('.json')).sort() : [],
          };
        })
    : [];
  return JSON.stringify({ models });
}

/** Serves models/ at /models/ in dev and copies it into the build: the app's numbers come from those files. */
function shippedModels(): Plugin {
  return {
    name: 'shipped-models',
    configureServer(server) {
      server.middlewares.use('/models/', (req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]!.replace(/^\//, ''));
        if (path === 'index.json') {
          res.setHeader('Content-Type', 'application/json');
          res.end(modelIndex());
          return;
        }
        if (!modelFiles().includes(path)) return next();
        res.setHeader('Content-Type', path.endsWith('.json') ? 'application/json' : 'application/octet-stream');
        res.end(readFileSync(join(MODELS_DIR, path)));
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'models/index.json', source: modelIndex() });
      for (const f of modelFiles()) this.emitFile({ type: 'asset', fileName: `models/${f}`, source: readFileSync(join(MODELS_DIR, f)) });
    },
  };
}

/**
 * The test images of the file datasets, gzipped IDX, at /data/<name>-test-images.idx.gz: the evaluation
 * page shows the images behind a region of a density and rescoring samples them. Read from where the
 * datasets are installed; a missing dataset is left out with a warning and the page says so.
 */
function testImages(): Plugin {
  const cache = new Map<string, Buffer | null>();
  const read = (name: string): Buffer | null => {
    if (cache.has(name)) return cache.get(name)!;
    const spec = DATASETS.find((d) => d.name === name);
    let bytes: Buffer | null = null;
    if (spec?.kind === 'files') {
      const dir = process.env[spec.dirEnv] || spec.dir;
      const path = join(isAbsolute(dir) ? dir : join(import.meta.dirname, dir), spec.files.test.images);
      if (existsSync(path)) {
        const raw = readFileSync(path);
        bytes = path.endsWith('.gz') ? raw : gzipSync(raw);
      } else console.warn(`test images of ${name} not found at ${path} (${spec.install}); the evaluation page will not show them`);
    }
    cache.set(name, bytes);
    return bytes;
  };
  const fileName = (name: string) => `${name}-test-images.idx.gz`;
  const names = DATASETS.filter((d) => d.kind === 'files').map((d) => d.name);
  return {
    name: 'test-images',
    configureServer(server) {
      server.middlewares.use('/data/', (req, res, next) => {
        const name = names.find((n) => req.url === `/${fileName(n)}`);
        const bytes = name ? read(name) : null;
        if (!bytes) return next();
        res.setHeader('Content-Type', 'application/gzip');
        res.end(bytes);
      });
    },
    generateBundle() {
      for (const name of names) {
        const bytes = read(name);
        if (bytes) this.emitFile({ type: 'asset', fileName: `data/${fileName(name)}`, source: bytes });
      }
    },
  };
}

/** Files of the public folder (copied into the build as they are), relative to it. */
function publicFiles(dir = 'public'): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out;
}

/**
 * The service worker's code: on install it fetches every file of the build into a cache named by the
 * build's version; afterwards it answers from that cache first, so a reload with no network still
 * loads the app, its models, the gallery and the test images (lecture halls have bad wifi). A new
 * build has a new version: its worker fills a new cache and deletes the old one.
 */
const SERVICE_WORKER_BODY = `
const CACHE = 'hvae-ood-' + VERSION;
const MATCH = { ignoreSearch: true, ignoreVary: true };
self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(FILES.map((f) => new Request(f, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});
self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('hvae-ood-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});
// A static host that cannot send headers still gets a cross-origin-isolated page (threaded wasm)
// from the second load on: every answer of this worker carries the isolation headers.
function isolated(response) {
  if (response.status === 0 || response.type === 'opaqueredirect') return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      // The query (e.g. ?bench) does not change a file; a Vary header (e.g. Origin) must not hide one.
      const hit = (await cache.match(request, MATCH)) ?? (request.mode === 'navigate' ? await cache.match('./', MATCH) : undefined);
      return isolated(hit ?? (await fetch(request)));
    }),
  );
});
`;

/**
 * Emits sw.js with the build's file list (the bundle, the models, the test images and the public
 * folder) and a version hash of their contents. Registered by src/app/offline.ts in production builds.
 */
function offlineCache(): Plugin {
  return {
    name: 'offline-cache',
    apply: 'build',
    generateBundle: {
      // After the other plugins have emitted the models, the test images and index.html.
      order: 'post',
      handler(_options, bundle) {
        const hash = createHash('sha256');
        const files: string[] = [];
        for (const [fileName, out] of Object.entries(bundle)) {
          if (fileName.endsWith('.map')) continue;
          files.push(fileName);
          hash.update(fileName).update(out.type === 'chunk' ? out.code : out.source);
        }
        for (const f of publicFiles()) {
          files.push(f);
          hash.update(f).update(readFileSync(join('public', f)));
        }
        files.sort();
        const version = hash.digest('hex').slice(0, 16);
        const source =
          `const VERSION = ${JSON.stringify(version)};\nconst FILES = ${JSON.stringify(['./', ...files])};\n` +
          `const ISOLATION_HEADERS = ${JSON.stringify(CROSS_ORIGIN_ISOLATION)};\n${SERVICE_WORKER_BODY}`;
        this.emitFile({ type: 'asset', fileName: 'sw.js', source });
      },
    },
  };
}

export default defineConfig({
  plugins: [crossOriginIsolation(), react(), shippedModels(), testImages(), offlineCache()],
  // tfjs runs in the workers, which Vite bundles with their own plugins.
  worker: { format: 'es', plugins: () => [tfjsThreadsSurviveMinification()] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  server: { host: true },
});
