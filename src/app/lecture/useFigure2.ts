/**
 * The paper's Figure 2 from two shipped models trained on different datasets: both models see the same
 * test images (a sample of each dataset), and for every latent layer the absolute correlation between
 * their posterior means is computed (src/ood/representationCorrelation.ts). With a single trained
 * dataset among the shipped models there is nothing to compare, and the state says so.
 */
import { useEffect, useState } from 'react';
import { binarize, binarizationSeed } from '../../data/binarize.ts';
import { IMAGE_PIXELS } from '../../data/imageSet.ts';
import { matchedAbsCorrelation, representationOf } from '../../ood/representationCorrelation.ts';
import type { BackendChoice } from '../../backend/backendNames.ts';
import { modelUrl, type ModelEntry } from '../assets.ts';
import { ScoringClient } from '../scoringClient.ts';
import { fetchTestSet } from '../testImages.ts';
import type { CorrelationSeries } from './CorrelationBars.tsx';
import { datasetTitle } from './useLectureData.ts';

/** Test images per dataset fed to both models. */
export const FIGURE2_IMAGES = 300;

export type Figure2 =
  | { state: 'needs-two-models'; trainedOn: string[] }
  | { state: 'computing'; models: [ModelEntry, ModelEntry] }
  | { state: 'done'; models: [ModelEntry, ModelEntry]; layers: string[]; series: CorrelationSeries[] }
  | { state: 'failed'; message: string };

/** Two models with different training datasets, FashionMNIST's first if there is one; null if all share one dataset. */
export function modelPair(models: ModelEntry[]): [ModelEntry, ModelEntry] | null {
  const trained = models.filter((m) => m.dataset);
  const a = trained.find((m) => m.dataset === 'fashionmnist') ?? trained[0];
  const b = a && trained.find((m) => m.dataset !== a.dataset);
  return a && b ? [a, b] : null;
}

export function useFigure2(models: ModelEntry[], backend: BackendChoice): Figure2 {
  const pair = modelPair(models);
  const key = pair ? `${pair[0].name}|${pair[1].name}` : '';
  const [result, setResult] = useState<Figure2 | null>(null);
  useEffect(() => {
    setResult(null);
    if (!pair) return;
    let fatal: string | null = null;
    const clients = pair.map(
      () =>
        new ScoringClient(
          () => undefined,
          (m) => (fatal = m),
        ),
    );
    let cancelled = false;
    (async () => {
      const datasets = [pair[0].dataset!, pair[1].dataset!];
      const [sets] = await Promise.all([Promise.all(datasets.map(fetchTestSet)), ...clients.map((c, i) => c.init(modelUrl(pair[i]!.name), backend))]);
      const series: CorrelationSeries[] = [];
      let layerCount = Infinity;
      for (const set of sets) {
        const n = Math.min(FIGURE2_IMAGES, set.count);
        const x = binarize(set.images.slice(0, n * IMAGE_PIXELS), binarizationSeed(set.name, 'test'));
        const [ma, mb] = await Promise.all(clients.map((c) => c.posteriorMeans(x, n)));
        if (fatal) throw new Error(fatal);
        layerCount = Math.min(ma!.layers.length, mb!.layers.length);
        const values = Array.from({ length: layerCount }, (_, i) =>
          matchedAbsCorrelation(representationOf(ma!.layers[i]!, n, ma!.shapes[i]!), representationOf(mb!.layers[i]!, n, mb!.shapes[i]!)),
        );
        series.push({ label: `${datasetTitle(set.name)} test images (${n})`, values });
      }
      return { layers: Array.from({ length: layerCount }, (_, i) => `z${i + 1}`), series };
    })().then(
      (r) => !cancelled && setResult({ state: 'done', models: pair, ...r }),
      (e: Error) => !cancelled && setResult({ state: 'failed', message: e.message }),
    ).finally(() => clients.forEach((c) => c.terminate()));
    return () => {
      cancelled = true;
      clients.forEach((c) => c.terminate());
    };
    // The pair is identified by its names; a new index array with the same models is the same pair.
  }, [key, backend]);
  if (!pair) return { state: 'needs-two-models', trainedOn: [...new Set(models.map((m) => m.dataset).filter((d): d is string => !!d))] };
  return result ?? { state: 'computing', models: pair };
}
