/** What the app fetches from its own server: the model index, eval scores, gallery images. */
import { validateEvalFile, type EvalFile } from '../ood/evalFile.ts';
import { IMAGE_PIXELS } from '../data/imageSet.ts';

export interface ModelEntry {
  name: string;
  dataset: string | null;
  /** The model's kind, from its configuration: 'hvae' or 'biva'. */
  kind: string;
  card: Record<string, unknown> | null;
  evalFiles: string[];
}

export interface GallerySet {
  dataset: string;
  images: Float32Array[];
  indices: number[];
  labels: number[] | null;
}

const base = import.meta.env.BASE_URL;

async function getJson(path: string): Promise<unknown> {
  const res = await fetch(`${base}${path}`);
  if (!res.ok) throw new Error(`could not load ${path} (HTTP ${res.status})`);
  return res.json();
}

export function modelUrl(name: string): string {
  return new URL(`${base}models/${name}/model.json`, location.href).href;
}

export async function fetchModelIndex(): Promise<ModelEntry[]> {
  const j = (await getJson('models/index.json')) as { models?: ModelEntry[] };
  return j.models ?? [];
}

/** The model a page opens with when the link names none: the paper's FashionMNIST HVAE. */
export const DEFAULT_MODEL = 'hvae-fashionmnist';

/** The default model where it is shipped, else the first shipped one. */
export function defaultModel(models: readonly ModelEntry[]): ModelEntry | null {
  return models.find((m) => m.name === DEFAULT_MODEL) ?? models[0] ?? null;
}

export async function fetchEvalFile(model: string, file: string): Promise<EvalFile> {
  return validateEvalFile(await getJson(`models/${model}/eval/${file}`), file);
}

export async function fetchGallery(): Promise<GallerySet[]> {
  const index = (await getJson('gallery/index.json')) as { entries: { dataset: string; file: string; count: number; indices: number[]; labels: number[] | null }[] };
  return Promise.all(
    index.entries.map(async (e) => {
      const res = await fetch(`${base}gallery/${e.file}`);
      if (!res.ok) throw new Error(`could not load gallery/${e.file} (HTTP ${res.status})`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (bytes.length !== e.count * IMAGE_PIXELS) throw new Error(`gallery/${e.file} has ${bytes.length} bytes, expected ${e.count * IMAGE_PIXELS}`);
      const images = Array.from({ length: e.count }, (_, i) => Float32Array.from(bytes.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS), (v) => v / 255));
      return { dataset: e.dataset, images, indices: e.indices, labels: e.labels };
    }),
  );
}
