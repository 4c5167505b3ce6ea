/**
 * The per-example score files that `npm run eval` writes and the app reads, and the
 * comparison of an in-distribution file with an OOD file under the paper's protocol.
 */
import { prCurve, rocCurve, summarize, type OodSummary, type PrPoint, type RocPoint } from './metrics.ts';
import { perExampleKFrom, withPerExampleK } from './perExampleK.ts';
import { equalCountSample, oodScore, pairedOodSet, takeAt } from './protocol.ts';

export interface EvalFile {
  model: string;
  dataset: string;
  split: 'train' | 'test';
  importance_samples: number;
  /** Which examples of the split, in the order of the score arrays. */
  indices: number[];
  /**
   * Score name -> per-example values in nats: the bounds "L>k" (and the Appendix E "L<l"), the
   * ratios LLR>k = L>0 - L>k and LLR>k<l = L<l - L>k, and optionally the baselines "IC(png)" and
   * "LR" (src/ood/protocol.ts) computed on the same images. Files store no ratio the bounds give;
   * validateEvalFile adds them (withDerivedRatios).
   */
  scores: Record<string, number[]>;
  /** How "LR" was computed, when the file has it; absent in files without it. */
  likelihood_regret?: RegretSettings;
  /** What computed the scores, e.g. "tfjs 4.22.0 wasm" or "pytorch 2.5.1 NVIDIA H200"; absent in files written before engines were named. */
  engine?: string;
}

/** The refit behind a file's likelihood regret (src/hvae/likelihoodRegret.ts). */
export interface RegretSettings {
  steps: number;
  learning_rate: number;
  /** Importance samples of the bounds before and after the refit. */
  samples: number;
  /** What computed the regret when another engine added it to the file (`python -m hvae_torch regret`); else the file's engine. */
  engine?: string;
}

/** The engine of a file; files that name none were written by `npm run eval` on tfjs's wasm backend. */
export function engineOf(f: EvalFile): string {
  return f.engine ?? 'tfjs wasm (npm run eval)';
}

export function evalFileName(dataset: string, split: string, samples: number): string {
  return `${dataset}-${split}-S${samples}.json`;
}

/** A score as the files store it: to 1e-4 nats. */
export const roundScore = (v: number): number => Math.round(v * 1e4) / 1e4;

/**
 * The scores with every ratio their bounds give and they do not hold: LLR>k (k >= 1, where L>0 is
 * there) after the last L>k, and LLR>k<l for every L>k after each L<l, rounded as the files round.
 * Keys come in the order in which the writers stored the ratios until they stopped (the ratios
 * doubled the files), as tables list scores in file order; a ratio a file holds keeps its values.
 */
export function withDerivedRatios(scores: Readonly<Record<string, number[]>>): Record<string, number[]> {
  const names = Object.keys(scores);
  const ks = names.flatMap((name) => /^L>(\d+)$/.exec(name)?.[1] ?? []);
  const out: Record<string, number[]> = {};
  const add = (name: string, derive: () => number[]) => {
    if (!Object.hasOwn(out, name)) out[name] = scores[name] ?? derive();
  };
  const minus = (a: string, b: string) => () => scores[a]!.map((v, i) => roundScore(v - scores[b]![i]!));
  for (const name of names) {
    if (!Object.hasOwn(out, name)) out[name] = scores[name]!;
    const below = /^L<(\d+)$/.exec(name)?.[1];
    if (below !== undefined) for (const k of ks) add(`LLR>${k}<${below}`, minus(name, `L>${k}`));
    if (name === `L>${ks.at(-1)}` && Object.hasOwn(scores, 'L>0')) for (const k of ks) if (k !== '0') add(`LLR>${k}`, minus('L>0', `L>${k}`));
  }
  return out;
}

/** Checks the shape of a parsed eval file, throwing naming the first problem, and adds the ratios it does not store. */
export function validateEvalFile(raw: unknown, what: string): EvalFile {
  const f = raw as Partial<EvalFile>;
  const fail = (why: string): never => {
    throw new Error(`${what}: ${why}`);
  };
  if (typeof f !== 'object' || f === null) return fail('not an object');
  if (typeof f.dataset !== 'string' || (f.split !== 'train' && f.split !== 'test')) fail('dataset or split missing');
  if (!Number.isInteger(f.importance_samples)) fail('importance_samples missing');
  if (!Array.isArray(f.indices)) fail('indices missing');
  if (typeof f.scores !== 'object' || f.scores === null) fail('scores missing');
  for (const [name, v] of Object.entries(f.scores ?? {})) {
    if (!Array.isArray(v) || v.length !== f.indices!.length) fail(`score ${name} has ${Array.isArray(v) ? v.length : 'no'} values for ${f.indices!.length} examples`);
  }
  const r = f.likelihood_regret;
  if (r !== undefined && ![r.steps, r.learning_rate, r.samples].every((v) => typeof v === 'number')) fail('likelihood_regret needs steps, learning_rate and samples');
  return { ...(f as EvalFile), scores: withDerivedRatios(f.scores!) };
}

/** One score compared between an in-distribution and an OOD file, on the protocol's equal-count sample. */
export interface ScoreComparison extends OodSummary {
  name: string;
  n: number;
  /** Positions into each file's arrays (and so its `indices`) of the sampled examples. */
  inPositions: Uint32Array;
  oodPositions: Uint32Array;
  /** Raw values in nats of the sampled examples, in the order of the positions. */
  inValues: Float64Array;
  oodValues: Float64Array;
  roc: RocPoint[];
  pr: PrPoint[];
}

/** Every score the two files share except LLR>0 (identically zero), with curves and metrics, in file order. */
export function compareEvalFilesInDetail(inFile: EvalFile, oodFile: EvalFile, seed = 0): ScoreComparison[] {
  const sample = equalCountSample(inFile.indices.length, oodFile.indices.length, seed);
  const out: ScoreComparison[] = [];
  for (const name of Object.keys(inFile.scores)) {
    const ood = oodFile.scores[name];
    if (!ood || name === 'LLR>0') continue;
    const inValues = takeAt(inFile.scores[name]!, sample.inIndices);
    const oodValues = takeAt(ood, sample.oodIndices);
    const a = oodScore(name, inValues);
    const b = oodScore(name, oodValues);
    out.push({
      name,
      n: sample.inIndices.length,
      ...summarize(a, b),
      inPositions: sample.inIndices,
      oodPositions: sample.oodIndices,
      inValues,
      oodValues,
      roc: rocCurve(a, b),
      pr: prCurve(a, b),
    });
  }
  return out;
}

/** Metrics for every score the two files share, on equal counts (all of the smaller set, a seeded sample of the larger). */
export function compareEvalFiles(inFile: EvalFile, oodFile: EvalFile, seed = 0): Record<string, OodSummary & { n: number }> {
  return Object.fromEntries(
    compareEvalFilesInDetail(inFile, oodFile, seed).map((c) => [c.name, { auroc: c.auroc, auprc: c.auprc, fpr80: c.fpr80, n: c.n }]),
  );
}

/** The in-distribution test file of one S beside one other file of that S. */
export interface ComparedFiles {
  inFile: EvalFile;
  otherFile: EvalFile;
  /** ood: another dataset's test split; train: the in-distribution train split (the no-overfitting check). */
  kind: 'ood' | 'train';
}

/**
 * Every comparison the files of S = `samples` allow, in the order the report and the page list
 * them: the paper's OOD pair first (pairedOodSet), the other OOD sets by name, the train split
 * last. Where `reference` (by default `files`) holds the in-distribution train split of this S,
 * both sides of each OOD comparison get the per-example choice of k taken on it (PER_EXAMPLE_K);
 * the train comparison does not, as that split sets the rule.
 */
export function comparedFiles(files: readonly EvalFile[], inDataset: string, samples: number, reference: readonly EvalFile[] = files): ComparedFiles[] {
  const inFile = files.find((f) => f.dataset === inDataset && f.split === 'test' && f.importance_samples === samples);
  if (!inFile) return [];
  const rule = perExampleKFrom(reference.find((f) => f.dataset === inDataset && f.split === 'train' && f.importance_samples === samples));
  const inWithK = rule ? withPerExampleK(inFile, rule) : inFile;
  const rank = (f: EvalFile) => (f.dataset === inDataset ? 2 : f.dataset === pairedOodSet(inDataset) ? 0 : 1);
  return files
    .filter((f) => f !== inFile && f.importance_samples === samples)
    .sort((a, b) => rank(a) - rank(b) || a.dataset.localeCompare(b.dataset) || a.split.localeCompare(b.split))
    .map((f): ComparedFiles => (f.dataset === inDataset ? { inFile, otherFile: f, kind: 'train' } : { inFile: inWithK, otherFile: rule ? withPerExampleK(f, rule) : f, kind: 'ood' }));
}
