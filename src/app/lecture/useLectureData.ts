/**
 * Everything the slides compute from: the shipped models, one scoring worker on the lecture's model,
 * the gallery, the model's evaluation files (in-distribution test vs the other dataset's test set,
 * optionally rescored live in the page) and the current image with its scores and posterior means.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { toModelPixels } from '../../data/binarize.ts';
import { pairedOodSet } from '../../ood/protocol.ts';
import type { ModelInfo } from '../../workers/protocol.ts';
import { defaultModel, fetchGallery, fetchModelIndex, modelUrl, type GallerySet, type ModelEntry } from '../assets.ts';
import { comparisonsOf, scoreLive, useComparisons, useModelEval, type Comparison, type LiveProgress } from '../evalData.ts';
import { ScoringClient, type ImageScores } from '../scoringClient.ts';
import { useView, type GalleryPick } from '../store.ts';

export interface LectureImage {
  label: string;
  /** What the model scores (binarised 28x28). */
  pixels: Float32Array;
}

export interface LiveRescore {
  progress: LiveProgress | null;
  /** Images per test set in the live scores, or null while the shipped eval files are shown. */
  perSet: number | null;
  error: string | null;
  start: () => void;
  cancel: () => void;
}

export interface LectureData {
  models: ModelEntry[];
  entry: ModelEntry | null;
  model: ModelInfo | null;
  client: ScoringClient | null;
  /** What is loading, or the backend in use. */
  status: string;
  error: string | null;
  gallery: GallerySet[];
  /** The in-distribution test set against the other dataset's test set (e.g. FashionMNIST vs MNIST). */
  comparison: Comparison | null;
  live: LiveRescore;
  current: LectureImage | null;
  currentScores: ImageScores | null;
  currentMeans: { layers: Float32Array[]; shapes: number[][] } | null;
}

const TITLES: Record<string, string> = { fashionmnist: 'FashionMNIST', mnist: 'MNIST' };
/** A dataset's name as the paper writes it. */
export const datasetTitle = (name: string) => TITLES[name] ?? name;

/** The other dataset of the FashionMNIST / MNIST pair. */

/** A gallery image as the model sees it, labelled with its test-set index. */
export function galleryImage(gallery: GallerySet[], pick: GalleryPick): LectureImage | null {
  const set = gallery.find((g) => g.dataset === pick.dataset);
  const img = set?.images[pick.index];
  return img ? { label: `${datasetTitle(pick.dataset)} #${set!.indices[pick.index]}`, pixels: toModelPixels(img) } : null;
}

const LIVE_PER_SET = 200;

export function useLectureData(): LectureData {
  const view = useView();
  const [models, setModels] = useState<ModelEntry[]>([]);
  const [gallery, setGallery] = useState<GallerySet[]>([]);
  const [client, setClient] = useState<ScoringClient | null>(null);
  const [model, setModel] = useState<ModelInfo | null>(null);
  const [status, setStatus] = useState('Loading the model…');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    fetchModelIndex().then(setModels, (e: Error) => setError(e.message));
    fetchGallery().then(setGallery, (e: Error) => setError(e.message));
  }, []);
  const entry = models.find((m) => m.name === view.model) ?? defaultModel(models);

  useEffect(() => {
    if (!entry) return;
    const c = new ScoringClient(
      (reason, backend) => setStatus(`The GPU device was lost (${reason}); now on ${backend}`),
      (msg) => setError(msg),
    );
    setModel(null);
    setStatus('Loading the model…');
    c.init(modelUrl(entry.name), view.backend).then(
      (r) => {
        setModel(r.model);
        setClient(c);
        setStatus(`${entry.name} on ${r.backend}`);
      },
      (e: Error) => setError(`the model could not be loaded: ${e.message}`),
    );
    return () => {
      c.terminate();
      setClient(null);
    };
  }, [entry, view.backend]);

  const { data, error: evalError } = useModelEval(entry);
  const inDataset = entry?.dataset ?? null;
  const shipped = useComparisons(data, inDataset, 1);
  const live = useLiveRescore(entry, inDataset, view.backend);
  const comparisons = live.files && inDataset ? comparisonsOf(live.files, inDataset, 1) : shipped;
  const comparison = useMemo(
    () => comparisons.find((c) => c.kind === 'ood' && inDataset && c.otherFile.dataset === pairedOodSet(inDataset)) ?? null,
    [comparisons, inDataset],
  );

  const pick = view.gallery ?? (inDataset ? { dataset: inDataset, index: 0 } : null);
  const current = useMemo(() => (pick ? galleryImage(gallery, pick) : null), [gallery, pick?.dataset, pick?.index]);
  const [currentScores, setCurrentScores] = useState<ImageScores | null>(null);
  const [currentMeans, setCurrentMeans] = useState<LectureData['currentMeans']>(null);
  useEffect(() => {
    if (!client || !current) return;
    let cancelled = false;
    Promise.all([client.score(current.pixels, { samples: 1, lowerLatents: 'mode', seed: 1 }, true), client.posteriorMeans(current.pixels, 1)]).then(
      ([s, m]) => {
        if (cancelled) return;
        setCurrentScores(s.scores);
        setCurrentMeans(m);
      },
      (e: Error) => !cancelled && setError(e.message),
    );
    return () => {
      cancelled = true;
    };
  }, [client, current]);

  return {
    models,
    entry,
    model,
    client,
    status,
    error: error ?? evalError,
    gallery,
    comparison,
    live: live.control,
    current,
    currentScores,
    currentMeans,
  };
}

/** Rescoring a seeded sample of both test sets in the page (the evaluation page's scoreLive). */
function useLiveRescore(entry: ModelEntry | null, inDataset: string | null, backend: ReturnType<typeof useView.getState>['backend']) {
  const [files, setFiles] = useState<Awaited<ReturnType<typeof scoreLive>> | null>(null);
  const [progress, setProgress] = useState<LiveProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const controller = useRef<AbortController | null>(null);
  useEffect(() => {
    setFiles(null);
    return () => controller.current?.abort();
  }, [entry]);

  const start = useCallback(() => {
    if (!entry || !inDataset || controller.current) return;
    const c = new AbortController();
    controller.current = c;
    setError(null);
    scoreLive({ entry, backend, datasets: [inDataset, pairedOodSet(inDataset)], perSet: LIVE_PER_SET, samples: 1, onProgress: setProgress, signal: c.signal })
      .then(setFiles, (e: Error) => setError(e.name === 'AbortError' ? null : e.message))
      .finally(() => {
        controller.current = null;
        setProgress(null);
      });
  }, [entry, inDataset, backend]);
  const cancel = useCallback(() => controller.current?.abort(), []);

  return { files, control: { progress, perSet: files ? LIVE_PER_SET : null, error, start, cancel } satisfies LiveRescore };
}

/**
 * Scores of a list of images with their reconstructions across k, in the background (interactive
 * scoring goes first). Null entries until scored; `error` is the first failure.
 */
export function useScoredImages(client: ScoringClient | null, images: LectureImage[]): { scores: (ImageScores | null)[]; error: string | null } {
  const [scores, setScores] = useState<(ImageScores | null)[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setScores(images.map(() => null));
    if (!client) return;
    let cancelled = false;
    images.forEach((img, i) => {
      client.score(img.pixels, { samples: 1, lowerLatents: 'mode', seed: 1 }, true, true).then(
        (r) => !cancelled && setScores((prev) => prev.map((p, j) => (j === i ? r.scores : p))),
        (e: Error) => !cancelled && setError(e.message),
      );
    });
    return () => {
      cancelled = true;
    };
  }, [client, images]);
  return { scores, error };
}
