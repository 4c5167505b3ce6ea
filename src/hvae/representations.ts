/**
 * The layers of a model's inference network as data, for comparing what two models extract from the
 * same images (the paper's Figure 2). A model class offers them through InferenceRepresentations; the
 * HVAE lists its residual blocks and posterior means, and a BIVA would list its bottom-up and top-down
 * inference layers the same way, so nothing that reads them depends on the model class.
 */
import * as tf from '@tensorflow/tfjs-core';
import { imagesToTensor } from './bounds.ts';

/** One layer for a batch: a label unique within the model, and the values, [N, H, W, C] or [N, units]. */
export interface LayerRepresentation {
  name: string;
  /** A latent's posterior mean (on the scale of its N(0, I)-like prior), or a deterministic layer's output. */
  latent: boolean;
  tensor: tf.Tensor;
}

export interface InferenceRepresentations {
  readonly config: { inputShape: [number, number, number] };
  /** Every layer of the inference network for the batch x, bottom to top; the caller owns the tensors. */
  representations(x: tf.Tensor4D): LayerRepresentation[];
}

/** A layer's values for `count` images: `shape` is one image's, so values.length = count * prod(shape). */
export interface LayerValues {
  name: string;
  latent: boolean;
  shape: number[];
  values: Float32Array;
  /** The count x count Gram matrix of the images' centred values (withGrams), from which linear CKA follows. */
  gram?: Float32Array;
}

/** Every layer's values for `count` images (count x pixels), in batches to bound the activations' memory; progress after each batch. */
export async function readRepresentations(
  model: InferenceRepresentations,
  images: Float32Array,
  count: number,
  batch = 100,
  onProgress?: (done: number) => void,
): Promise<LayerValues[]> {
  const shape = model.config.inputShape;
  const pixels = shape[0] * shape[1] * shape[2];
  if (images.length !== count * pixels) throw new Error(`expected ${count} x ${pixels} pixel values, got ${images.length}`);
  let layers: LayerValues[] = [];
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const x = imagesToTensor(images.subarray(start * pixels, (start + n) * pixels), n, shape);
    const reps = tf.tidy(() => {
      const r = model.representations(x);
      return { names: r.map((l) => l.name), latent: r.map((l) => l.latent), tensors: r.map((l) => l.tensor) };
    });
    x.dispose();
    const data = await Promise.all(reps.tensors.map((t) => t.data() as Promise<Float32Array>));
    if (start === 0) {
      layers = reps.tensors.map((t, i) => {
        const perImage = t.shape.slice(1);
        return { name: reps.names[i]!, latent: reps.latent[i]!, shape: perImage, values: new Float32Array(count * perImage.reduce((a, b) => a * b, 1)) };
      });
    }
    reps.tensors.forEach((t) => t.dispose());
    data.forEach((d, i) => layers[i]!.values.set(d, start * (d.length / n)));
    onProgress?.(start + n);
  }
  return layers;
}

/**
 * Adds each layer's Gram matrix X X^T of the column-centred values (one row per image, every value of the
 * layer a column). Linear CKA needs only these, and tfjs's matrix product makes them in seconds where a
 * plain loop over a 25,088-wide layer and 1,000 images takes minutes.
 */
export async function withGrams(layers: LayerValues[], count: number): Promise<LayerValues[]> {
  const out: LayerValues[] = [];
  for (const l of layers) {
    const g = tf.tidy(() => {
      const x = tf.tensor2d(l.values, [count, l.values.length / count]);
      const centred = tf.sub(x, tf.mean(x, 0, true));
      return tf.matMul(centred, centred, false, true);
    });
    const gram = (await g.data()) as Float32Array;
    g.dispose();
    out.push({ ...l, gram });
  }
  return out;
}
