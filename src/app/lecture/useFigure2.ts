/**
 * The paper's Figure 2 for the lecture, from two shipped models trained on different datasets. The figure
 * that `npm run figure2` computed from 1,000 test images of each dataset (public/figure2.json) is shown at
 * once; the page recomputes it live from a smaller seeded sample of the same images on request, or at once
 * when the file is missing or compares other models. Live, each model's scoring worker reads every layer
 * of its inference network and the images' Gram matrices; the measures are computed here, one layer at a
 * time so the slide stays responsive.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { BackendChoice } from '../../backend/backendNames.ts';
import { IMAGE_PIXELS } from '../../data/imageSet.ts';
import { compareModels, figure2Images, validateFigure2File, type Figure2File, type Figure2Series } from '../../ood/figure2.ts';
import { defaultModel, modelUrl, type ModelEntry } from '../assets.ts';
import { ScoringClient } from '../scoringClient.ts';
import { fetchTestSet } from '../testImages.ts';
import { datasetTitle } from './useLectureData.ts';

/** Test images per dataset in the live figure: each layer of the larger model holds about 300 kB per image. */
export const LIVE_IMAGES = 200;

export interface FigureData {
  source: 'file' | 'live';
  series: Figure2Series[];
  /** How long the computation took: the command's for the file, this page's for a live figure. */
  seconds: number;
}

export type LiveState = { state: 'idle' } | { state: 'computing'; step: string } | { state: 'done'; figure: FigureData } | { state: 'failed'; message: string };

export interface Figure2View {
  /** The two models compared, FashionMNIST's first; null when every shipped model shares one training set. */
  pair: [ModelEntry, ModelEntry] | null;
  /** The training sets of the shipped models. */
  trainedOn: string[];
  /** The committed figure of this pair; null while loading or when there is none; `fileProblem` says why not. */
  file: FigureData | null;
  fileProblem: string | null;
  live: LiveState;
  computeLive: () => void;
}

/**
 * Two models of one kind with different training datasets, as in the paper's figure: the default
 * model and its counterpart where they are shipped, else FashionMNIST's first if there is one;
 * null if all share one dataset.
 */
export function modelPair(models: ModelEntry[]): [ModelEntry, ModelEntry] | null {
  const trained = models.filter((m) => m.dataset);
  const preferred = defaultModel(trained);
  const a = preferred?.dataset === 'fashionmnist' ? preferred : (trained.find((m) => m.dataset === 'fashionmnist') ?? trained[0]);
  const others = trained.filter((m) => a && m.dataset !== a.dataset);
  const b = others.find((m) => m.kind === a?.kind) ?? others[0];
  return a && b ? [a, b] : null;
}

/** The committed figure if it compares this pair, else the reason it cannot be used. */
async function fetchFigureFile(pair: [ModelEntry, ModelEntry]): Promise<FigureData | string> {
  let raw: unknown;
  try {
    const res = await fetch(`${import.meta.env.BASE_URL}figure2.json`);
    if (!res.ok) return `figure2.json is not in this build (HTTP ${res.status}); \`npm run figure2\` writes it`;
    raw = await res.json();
  } catch {
    return 'figure2.json is not in this build; `npm run figure2` writes it';
  }
  const file: Figure2File = validateFigure2File(raw, 'figure2.json');
  const names = file.models.map((m) => m.name).join(' vs ');
  if (names !== `${pair[0].name} vs ${pair[1].name}`) return `figure2.json compares ${names}, not ${pair[0].name} vs ${pair[1].name}`;
  return { source: 'file', series: file.series, seconds: file.seconds };
}

const nextFrame = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Both measures for every layer, live: the same seeded images, binarised as in the file, LIVE_IMAGES of each dataset. */
async function computeLiveFigure(pair: [ModelEntry, ModelEntry], backend: BackendChoice, onStep: (step: string) => void, signal: { cancelled: boolean }): Promise<FigureData> {
  const t0 = performance.now();
  let fatal: string | null = null;
  const clients = pair.map(() => new ScoringClient(() => undefined, (m) => (fatal = m)));
  try {
    onStep(`Loading ${pair[0].name} and ${pair[1].name}…`);
    await Promise.all(clients.map((c, i) => c.init(modelUrl(pair[i]!.name), backend)));
    const series: Figure2Series[] = [];
    for (const dataset of pair.map((m) => m.dataset!)) {
      const set = await fetchTestSet(dataset);
      const { x, indices } = figure2Images(dataset, set.images, set.count, LIVE_IMAGES, IMAGE_PIXELS);
      const n = indices.length;
      onStep(`Feeding ${n} ${datasetTitle(dataset)} test images to both models…`);
      const [ra, rb] = await Promise.all(clients.map((c) => c.representations(x, n)));
      if (fatal) throw new Error(fatal);
      const layers = await compareModels(ra!, rb!, n, async (done, total) => {
        if (signal.cancelled) throw new Error('cancelled');
        onStep(`${datasetTitle(dataset)} images: layer ${done} of ${total} compared`);
        await nextFrame();
      });
      series.push({ dataset, count: n, against: 'trained', layers });
    }
    return { source: 'live', series, seconds: (performance.now() - t0) / 1000 };
  } finally {
    clients.forEach((c) => c.terminate());
  }
}

export function useFigure2(models: ModelEntry[], backend: BackendChoice): Figure2View {
  const pair = modelPair(models);
  const key = pair ? `${pair[0].name}|${pair[1].name}` : '';
  const [file, setFile] = useState<{ key: string; data: FigureData | null; problem: string | null } | null>(null);
  const [live, setLive] = useState<LiveState>({ state: 'idle' });
  const run = useRef<{ cancelled: boolean } | null>(null);

  const computeLive = useCallback(() => {
    if (!pair || run.current) return;
    const signal = { cancelled: false };
    run.current = signal;
    setLive({ state: 'computing', step: 'Starting…' });
    computeLiveFigure(pair, backend, (step) => !signal.cancelled && setLive({ state: 'computing', step }), signal)
      .then(
        (figure) => !signal.cancelled && setLive({ state: 'done', figure }),
        (e: Error) => !signal.cancelled && setLive({ state: 'failed', message: e.message }),
      )
      .finally(() => {
        if (run.current === signal) run.current = null;
      });
    // The pair is identified by its names; a new index array with the same models is the same pair.
  }, [key, backend]);

  // A new pair or backend drops the live figure and stops a computation in progress.
  useEffect(
    () => () => {
      if (run.current) run.current.cancelled = true;
      run.current = null;
      setLive({ state: 'idle' });
    },
    [key, backend],
  );

  useEffect(() => {
    if (!pair) return;
    let cancelled = false;
    fetchFigureFile(pair).then(
      (r) => !cancelled && setFile(typeof r === 'string' ? { key, data: null, problem: r } : { key, data: r, problem: null }),
      (e: Error) => !cancelled && setFile({ key, data: null, problem: e.message }),
    );
    return () => {
      cancelled = true;
    };
  }, [key]);

  // Without a usable file for this pair, the figure is computed live at once.
  const current = file?.key === key ? file : null;
  useEffect(() => {
    if (current && !current.data && live.state === 'idle') computeLive();
  }, [current, live.state, computeLive]);

  return {
    pair,
    trainedOn: [...new Set(models.map((m) => m.dataset).filter((d): d is string => !!d))],
    file: current?.data ?? null,
    fileProblem: current?.problem ?? null,
    live,
    computeLive,
  };
}
