/**
 * The paper's own numbers (Havtorn et al., 2021), for side-by-side reports: Table 2 and
 * Tables 7-8 (AUROC, AUPRC, FPR80) and Table 1 (mean bits/dim). Only the grey-scale
 * FashionMNIST/MNIST models, the ones this project trains, and only the OOD sets of those tables
 * that a registered dataset stands in for: MNIST, FashionMNIST, and notMNIST beside `letters`.
 * KMNIST, Omniglot and SmallNORB have no counterpart here; the inverted, flipped, noise and
 * constant sets are in none of the paper's tables.
 */
export interface PaperMetric {
  auroc: number;
  auprc: number;
  fpr80: number;
  /** Where the paper reports it. */
  source: string;
}

/**
 * `letters` is rendered from Debian's fonts, notMNIST-style, and is not notMNIST (Bulatov, 2011):
 * the paper's notMNIST rows sit beside it as the nearest figures, named as the paper's notMNIST.
 */
const NOT_MNIST = (table: string) => `${table}: the paper's notMNIST, not these letters (S = 1000)`;

/** paperMetrics[inDataset][oodDataset][score] where score is e.g. "L>0", "LLR>1", "LLR>1 S=250". */
export const PAPER_METRICS: Record<string, Record<string, Record<string, PaperMetric>>> = {
  fashionmnist: {
    mnist: {
      'L>0': { auroc: 0.268, auprc: 0.363, fpr80: 0.882, source: 'Table 2' },
      'L>1': { auroc: 0.593, auprc: 0.591, fpr80: 0.658, source: 'Table 2' },
      'L>2': { auroc: 0.712, auprc: 0.75, fpr80: 0.548, source: 'Table 2' },
      'LLR>1': { auroc: 0.964, auprc: 0.961, fpr80: 0.036, source: 'Table 2 (S = 1)' },
      'LLR>1 S=250': { auroc: 0.984, auprc: 0.984, fpr80: 0.013, source: 'Table 2 (S = 250)' },
      'LLR>1 S=1000': { auroc: 0.986, auprc: 0.987, fpr80: 0.011, source: 'Table 7 (S = 1000)' },
    },
    letters: {
      'L>0': { auroc: 0.916, auprc: 0.932, fpr80: 0.116, source: NOT_MNIST('Table 7') },
      'L>1': { auroc: 0.983, auprc: 0.986, fpr80: 0.0, source: NOT_MNIST('Table 7') },
      'L>2': { auroc: 0.997, auprc: 0.997, fpr80: 0.0, source: NOT_MNIST('Table 7') },
      'LLR>1': { auroc: 0.998, auprc: 0.998, fpr80: 0.0, source: NOT_MNIST('Table 7') },
    },
    fashionmnist: {
      'L>0': { auroc: 0.476, auprc: 0.484, fpr80: 0.816, source: 'Table 7 (train vs test, S = 1000)' },
      'L>1': { auroc: 0.475, auprc: 0.482, fpr80: 0.817, source: 'Table 7 (train vs test, S = 1000)' },
      'L>2': { auroc: 0.475, auprc: 0.484, fpr80: 0.823, source: 'Table 7 (train vs test, S = 1000)' },
      'LLR>1': { auroc: 0.488, auprc: 0.496, fpr80: 0.811, source: 'Table 7 (train vs test, S = 1000)' },
    },
  },
  mnist: {
    fashionmnist: {
      'L>0': { auroc: 1.0, auprc: 1.0, fpr80: 0.0, source: 'Table 8 (S = 1000)' },
      'L>1': { auroc: 1.0, auprc: 1.0, fpr80: 0.0, source: 'Table 8 (S = 1000)' },
      'L>2': { auroc: 0.981, auprc: 0.983, fpr80: 0.003, source: 'Table 8 (S = 1000)' },
      'LLR>1': { auroc: 0.999, auprc: 0.999, fpr80: 0.0, source: 'Table 8 (S = 1000)' },
    },
    letters: {
      'L>0': { auroc: 1.0, auprc: 1.0, fpr80: 0.0, source: NOT_MNIST('Table 8') },
      'L>1': { auroc: 1.0, auprc: 1.0, fpr80: 0.0, source: NOT_MNIST('Table 8') },
      'L>2': { auroc: 1.0, auprc: 1.0, fpr80: 0.0, source: NOT_MNIST('Table 8') },
      'LLR>1': { auroc: 1.0, auprc: 0.999, fpr80: 0.0, source: NOT_MNIST('Table 8') },
    },
    mnist: {
      'L>0': { auroc: 0.488, auprc: 0.486, fpr80: 0.807, source: 'Table 8 (train vs test, S = 1000)' },
      'L>1': { auroc: 0.469, auprc: 0.469, fpr80: 0.816, source: 'Table 8 (train vs test, S = 1000)' },
      'L>2': { auroc: 0.514, auprc: 0.505, fpr80: 0.791, source: 'Table 8 (train vs test, S = 1000)' },
      'LLR>2': { auroc: 0.515, auprc: 0.507, fpr80: 0.792, source: 'Table 8 (train vs test, S = 1000)' },
    },
  },
};

/**
 * The paper's number for a score at S importance samples, or undefined: its S = 1 numbers are
 * Table 2's; for S > 1 the number at the reported S nearest on a log scale (S = 100 sits beside
 * Table 2's S = 250, not Table 7's S = 1000; ties to the larger S), else the plain entry.
 */
export function paperMetricFor(inSet: string, oodSet: string, score: string, samples: number): PaperMetric | undefined {
  const table = PAPER_METRICS[inSet]?.[oodSet];
  if (!table) return undefined;
  if (samples <= 1) return table[score];
  const prefix = `${score} S=`;
  const distance = (S: number) => Math.abs(Math.log(S / samples));
  const nearest = Object.keys(table)
    .filter((key) => key.startsWith(prefix))
    .map((key) => Number(key.slice(prefix.length)))
    .sort((a, b) => distance(a) - distance(b) || b - a)[0];
  return nearest === undefined ? table[score] : table[`${prefix}${nearest}`];
}

/** Table 1: mean bits/dim of log p(x) (the ELBO with importance samples) and L>k for the FashionMNIST HVAE. */
export const PAPER_BITS_PER_DIM: Record<string, Record<string, Record<string, number>>> = {
  fashionmnist: {
    fashionmnist: { 'L>0': 0.42, 'L>1': 0.476, 'L>2': 0.579 },
    mnist: { 'L>0': 0.317, 'L>1': 0.601, 'L>2': 0.881 },
  },
};
