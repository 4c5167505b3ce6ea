/**
 * AUROC of every score of the paper at once: each bound L>k scored as -L>k and each ratio LLR>k
 * (k >= 1) as +LLR>k, OOD the positive class. Keys are the score names, "L>0", ..., "LLR>1", ...
 */
import { auroc } from './metrics.ts';
import { oodScore } from './protocol.ts';

export interface BoundsAndRatios {
  /** bounds[k][n] = L>k of example n. */
  bounds: ArrayLike<number>[];
  /** ratios[k][n] = LLR>k of example n; ratios[0] is not a score and is ignored. */
  ratios: ArrayLike<number>[];
}

export function aurocByScore(inDist: BoundsAndRatios, ood: BoundsAndRatios): Record<string, number> {
  const out: Record<string, number> = {};
  inDist.bounds.forEach((b, k) => {
    const name = `L>${k}`;
    out[name] = auroc(oodScore(name, b), oodScore(name, ood.bounds[k]!));
  });
  inDist.ratios.forEach((r, k) => {
    if (k === 0) return;
    const name = `LLR>${k}`;
    out[name] = auroc(oodScore(name, r), oodScore(name, ood.ratios[k]!));
  });
  return out;
}
