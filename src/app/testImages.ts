/**
 * The test splits of every registered dataset in the browser: file datasets come from the build's
 * /data/ folder (gzipped IDX), derived and generated ones are made from them as in Node.
 */
import { gunzipBrowser } from '../data/browserGunzip.ts';
import { buildImageSet } from '../data/datasets.ts';
import { readIdx } from '../data/idx.ts';
import { imageSetFromIdx, type ImageSet } from '../data/imageSet.ts';

const base = import.meta.env.BASE_URL;
const cache = new Map<string, Promise<ImageSet>>();

/** One test split, fetched once per page load; the promise rejects with a message that names the file. */
export function fetchTestSet(name: string): Promise<ImageSet> {
  let set = cache.get(name);
  if (!set) {
    set = buildImageSet(name, 'test', async (spec) => {
      const file = `data/${spec.name}-test-images.idx.gz`;
      const res = await fetch(`${base}${file}`);
      if (!res.ok) throw new Error(`the ${spec.name} test images are not in this build (${file}: HTTP ${res.status}); install them with ${spec.install} and rebuild`);
      return imageSetFromIdx(spec.name, await readIdx(new Uint8Array(await res.arrayBuffer()), gunzipBrowser));
    });
    // A failure is not cached: the next request tries again.
    set.catch(() => cache.delete(name));
    cache.set(name, set);
  }
  return set;
}
