/**
 * The evaluation data of a shipped model, as the evaluation page and the lecture use it: the
 * eval files that `npm run eval` wrote, grouped by importance samples S, the comparisons of the
 * in-distribution test split with every other split under the paper's protocol, and live
 * rescoring of a sample of the test sets in the scoring worker.
 */
import { useEffect, useMemo, useState } from 'react';
import { binarize, binarizationSeed } from '../data/binarize.ts';
import { IMAGE_PIXELS, IMAGE_SIDE } from '../data/imageSet.ts';
import { mulberry32 } from '../data/random.ts';
import { compareEvalFilesInDetail, comparedFiles, type ComparedFiles, type EvalFile, type ScoreComparison } from '../ood/evalFile.ts';
import { inputComplexityScores } from '../ood/inputComplexity.ts';
import { INPUT_COMPLEXITY, sampleIndices } from '../ood/protocol.ts';
import { fetchEvalFile, modelUrl, type ModelEntry } from './assets.ts';
import type { BackendChoice } from '../backend/backendNames.ts';
import { ScoringClient } from './scoringClient.ts';
import { fetchTestSet } from './testImages.ts';

/** The in-distribution test split of one S against one other split, with every score compared. */
export interface Comparison extends ComparedFiles {
  /** e.g. "mnist test" or "fashionmnist train". */
  label: string;
  scores: ScoreComparison[];
}

export const splitLabel = (f: Pick<EvalFile, 'dataset' | 'split'>) => `${f.dataset} ${f.split}`;

/**
 * Every comparison the files allow: the in-distribution test file of `samples` against each other
 * file with the same S, the paper's OOD pair first and the train split last, with the per-example
 * choice of k where `reference` (by default `files`; the shipped files for live scores) holds the
 * train split of this S.
 */
export function comparisonsOf(files: EvalFile[], inDataset: string, samples: number, reference: EvalFile[] = files): Comparison[] {
  return comparedFiles(files, inDataset, samples, reference).map(({ inFile, otherFile, kind }) => ({
    label: splitLabel(otherFile),
    inFile,
    otherFile,
    kind,
    scores: compareEvalFilesInDetail(inFile, otherFile),
  }));
}

export interface ModelEval {
  files: EvalFile[];
  /** The S values with an in-distribution test file, ascending. */
  sampleCounts: number[];
}

/** Loads every eval file of a model; `error` names the first that failed. */
export function useModelEval(entry: ModelEntry | null): { data: ModelEval | null; error: string | null } {
  const [state, setState] = useState<{ data: ModelEval | null; error: string | null }>({ data: null, error: null });
  useEffect(() => {
    setState({ data: null, error: null });
    if (!entry) return;
    let cancelled = false;
    Promise.all(entry.evalFiles.map((f) => fetchEvalFile(entry.name, f))).then(
      (files) => {
        if (cancelled) return;
        const sampleCounts = [...new Set(files.filter((f) => f.dataset === entry.dataset && f.split === 'test').map((f) => f.importance_samples))].sort((a, b) => a - b);
        setState({ data: { files, sampleCounts }, error: null });
      },
      (e: Error) => !cancelled && setState({ data: null, error: e.message }),
    );
    return () => {
      cancelled = true;
    };
  }, [entry]);
  return state;
}

/** Memoised comparisons of one S. */
export function useComparisons(data: ModelEval | null, inDataset: string | null, samples: number): Comparison[] {
  return useMemo(() => (data && inDataset ? comparisonsOf(data.files, inDataset, samples) : []), [data, inDataset, samples]);
}

export interface LiveProgress {
  done: number;
  total: number;
  /** What is being scored now, e.g. "mnist test". */
  current: string;
}

export interface LiveRequest {
  entry: ModelEntry;
  backend: BackendChoice;
  /** Test sets to score: the in-distribution one first. */
  datasets: string[];
  perSet: number;
  samples: number;
  onProgress: (p: LiveProgress) => void;
  signal: AbortSignal;
}

/** Images per request to the worker: small enough that progress moves and a cancel lands quickly. */
const LIVE_CHUNK = 25;
/** Seed of the live sample of each test set, so two runs with the same N score the same images. */
const LIVE_SAMPLE_SEED = 7;

/**
 * Scores a seeded sample of `perSet` images of each test set in a fresh scoring worker, binarised
 * as `npm run eval` binarises, and returns eval files in the shipped format. Rejects with an
 * AbortError when `signal` fires; the worker is stopped either way.
 */
export async function scoreLive(req: LiveRequest): Promise<EvalFile[]> {
  let fatal: string | null = null;
  const client = new ScoringClient(
    () => undefined,
    (message) => (fatal = message),
  );
  const abort = () => client.terminate();
  req.signal.addEventListener('abort', abort);
  try {
    const total = req.datasets.length * req.perSet;
    let done = 0;
    req.onProgress({ done, total, current: 'loading the model and the test images' });
    const [ready, ...sets] = await Promise.all([client.init(modelUrl(req.entry.name), req.backend), ...req.datasets.map(fetchTestSet)]);
    const L = ready.model.numStages;
    const files: EvalFile[] = [];
    for (const set of sets) {
      const indices = Array.from(sampleIndices(set.count, Math.min(req.perSet, set.count), mulberry32(LIVE_SAMPLE_SEED)));
      const picked = new Float32Array(indices.length * IMAGE_PIXELS);
      indices.forEach((idx, i) => picked.set(set.images.subarray(idx * IMAGE_PIXELS, (idx + 1) * IMAGE_PIXELS), i * IMAGE_PIXELS));
      const x = binarize(picked, binarizationSeed(set.name, 'test'));
      const scores: Record<string, number[]> = {};
      for (let start = 0; start < indices.length; start += LIVE_CHUNK) {
        if (req.signal.aborted) throw new DOMException('the live scoring was cancelled', 'AbortError');
        if (fatal) throw new Error(fatal);
        const count = Math.min(LIVE_CHUNK, indices.length - start);
        const r = await client.scoreBatch(x.slice(start * IMAGE_PIXELS, (start + count) * IMAGE_PIXELS), count, {
          samples: req.samples,
          lowerLatents: 'mode',
          seed: 1 + start,
        });
        for (let k = 0; k <= L; k++) (scores[`L>${k}`] ??= []).push(...r.bounds[k]!);
        for (let k = 1; k <= L; k++) (scores[`LLR>${k}`] ??= []).push(...r.ratios[k]!);
        done += count;
        req.onProgress({ done, total, current: `${set.name} test` });
      }
      // Input complexity costs one PNG per image beyond L>0: it comes with every live sample, as with `npm run eval --baselines ic`.
      scores[INPUT_COMPLEXITY] = Array.from(inputComplexityScores(scores['L>0']!, x, IMAGE_SIDE, IMAGE_SIDE));
      files.push({ model: req.entry.name, dataset: set.name, split: 'test', importance_samples: req.samples, indices, scores });
    }
    return files;
  } catch (e) {
    if (req.signal.aborted) throw new DOMException('the live scoring was cancelled', 'AbortError');
    throw e;
  } finally {
    req.signal.removeEventListener('abort', abort);
    client.terminate();
  }
}
