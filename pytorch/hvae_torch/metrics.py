"""AUROC with OOD as the positive class, tie-aware (the area under the straight-segment ROC, as
src/ood/metrics.ts), and the score signs of src/ood/protocol.ts: -L>k, +LLR>k."""
import numpy as np


def auroc(in_scores, ood_scores):
    """P(ood > in) + P(ood = in) / 2 over all pairs: the Mann-Whitney statistic with average ranks."""
    a = np.asarray(in_scores, dtype=np.float64)
    b = np.asarray(ood_scores, dtype=np.float64)
    both = np.concatenate([a, b])
    order = np.argsort(both, kind='mergesort')
    ranks = np.empty(len(both))
    sorted_vals = both[order]
    i = 0
    while i < len(both):
        j = i
        while j + 1 < len(both) and sorted_vals[j + 1] == sorted_vals[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    r_ood = ranks[len(a):].sum()
    return float((r_ood - len(b) * (len(b) + 1) / 2) / (len(a) * len(b)))


def auroc_by_score(s_in, s_ood):
    """AUROC of every L>k (scored -L>k) and LLR>k, k >= 1 (scored +LLR>k); keys as in the log files.
    Scores a run did not compute (NaN) are left out."""
    out = {}
    for k, (a, b) in enumerate(zip(s_in['bounds'], s_ood['bounds'])):
        if not np.isnan(a).any():
            out[f'L>{k}'] = round(auroc(-a, -b), 6)
    for k, (a, b) in enumerate(zip(s_in['ratios'], s_ood['ratios'])):
        if k > 0 and not np.isnan(a).any():
            out[f'LLR>{k}'] = round(auroc(a, b), 6)
    return out
