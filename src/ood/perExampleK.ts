/**
 * Choosing k per example, which the paper suggests (section 3, "Selection of k") and leaves
 * untried. The rule uses in-distribution data only: each LLR>k of an input is placed on that
 * score's in-distribution reference (its midrank percentile there), the input's chosen k is the
 * one where it lies furthest out, and that largest percentile is the input's one OOD score. The
 * maximum over k is not a percentile itself, so its threshold at a false-positive rate is read
 * from the reference's own examples scored the same way.
 */
import type { EvalFile } from './evalFile.ts';
import { PER_EXAMPLE_K, isRatioOverK } from './protocol.ts';
import { ScoreReference } from './reference.ts';

export interface PerExampleChoice {
  /** The largest percentile over k, in [0, 1]: larger = more OOD. */
  score: number;
  /** The LLR>k where it is reached (ties: the larger z-score, then the smaller k). */
  scoreName: string;
}

export class PerExampleK {
  private readonly references: ScoreReference[];
  /** The reference examples' own scores, ascending: the rule's in-distribution distribution. */
  private readonly own: Float64Array;

  /** `reference` holds each LLR>k's in-distribution values (the same examples, in the same order, for every k). */
  constructor(reference: Readonly<Record<string, ArrayLike<number>>>) {
    const names = Object.keys(reference).filter(isRatioOverK);
    if (names.length === 0) throw new Error('the per-example choice of k needs the in-distribution reference of at least one LLR>k');
    const n = reference[names[0]!]!.length;
    for (const name of names) if (reference[name]!.length !== n) throw new Error(`the reference's ${name} has ${reference[name]!.length} values, ${names[0]} has ${n}`);
    this.references = names.map((name) => new ScoreReference(name, reference[name]!));
    this.own = Float64Array.from({ length: n }, (_, i) => this.choose(Object.fromEntries(names.map((name) => [name, reference[name]![i]!]))).score).sort();
  }

  /** The chosen k and the score of one input, from its raw LLR>k values by name. */
  choose(values: Readonly<Record<string, number>>): PerExampleChoice {
    let best: { score: number; z: number; scoreName: string } | null = null;
    for (const ref of this.references) {
      const value = values[ref.scoreName];
      if (value === undefined || Number.isNaN(value)) throw new Error(`no value of ${ref.scoreName} for the per-example choice of k`);
      const s = ref.oodScoreOf(value);
      const c = { score: ref.percentile(s), z: ref.zScore(s), scoreName: ref.scoreName };
      if (!best || c.score > best.score || (c.score === best.score && c.z > best.z)) best = c;
    }
    return { score: best!.score, scoreName: best!.scoreName };
  }

  /** Scores of many inputs: `values[name][n]` is LLR>k of input n. */
  scoreAll(values: Readonly<Record<string, ArrayLike<number>>>, count: number): Float64Array {
    return Float64Array.from({ length: count }, (_, i) => this.choose(Object.fromEntries(this.references.map((r) => [r.scoreName, values[r.scoreName]?.[i] ?? NaN]))).score);
  }

  /** The smallest t with at most fpr of the reference's own scores above it: flag score > t. */
  threshold(fpr: number): number {
    if (!(fpr > 0 && fpr < 1)) throw new Error(`fpr must lie in (0, 1), got ${fpr}`);
    // The tolerance keeps e.g. 0.29 * 100 = 28.999999999999996 from losing one allowed false positive.
    const allowed = Math.min(this.own.length - 1, Math.floor(fpr * this.own.length + 1e-9));
    return this.own[this.own.length - 1 - allowed]!;
  }
}

/** The rule with its reference on `train` (the in-distribution train split's file), or null where there is none or it holds no LLR>k. */
export function perExampleKFrom(train: EvalFile | undefined): PerExampleK | null {
  return train && Object.keys(train.scores).some(isRatioOverK) ? new PerExampleK(train.scores) : null;
}

/** The file with the rule's score of each of its examples added as PER_EXAMPLE_K. */
export function withPerExampleK(file: EvalFile, rule: PerExampleK): EvalFile {
  return { ...file, scores: { ...file.scores, [PER_EXAMPLE_K]: Array.from(rule.scoreAll(file.scores, file.indices.length)) } };
}
