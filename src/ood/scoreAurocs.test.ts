import { describe, expect, it } from 'vitest';
import { aurocByScore } from './scoreAurocs.ts';

describe('AUROC of every score', () => {
  it('scores bounds by -L>k and ratios by +LLR>k, and skips LLR>0', () => {
    // In-distribution: high L>0, low LLR>1. OOD: the opposite. L>1 carries no signal (equal values).
    const inDist = { bounds: [[-80, -82, -81], [-90, -90, -90]], ratios: [[0, 0, 0], [1, 2, 3]] };
    const ood = { bounds: [[-120, -130, -125], [-90, -90, -90]], ratios: [[0, 0, 0], [10, 11, 12]] };
    expect(aurocByScore(inDist, ood)).toEqual({ 'L>0': 1, 'L>1': 0.5, 'LLR>1': 1 });
    // Swapping the roles turns every informative score around.
    expect(aurocByScore(ood, inDist)).toEqual({ 'L>0': 0, 'L>1': 0.5, 'LLR>1': 0 });
  });
});
