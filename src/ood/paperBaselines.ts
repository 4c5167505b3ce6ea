/**
 * Rows of the paper's Table 2 (FashionMNIST in, MNIST out) for methods other than the HVAE's own
 * scores (those are in paperResults.ts): the unsupervised methods the paper compares with directly,
 * and the best of the methods that need labels or knowledge of the OOD data. Dashes in the paper are
 * undefined here.
 */
export interface BaselineRow {
  method: string;
  /** The paper's grouping of the method by what it assumes. */
  assumes: 'OOD knowledge' | 'labels' | 'nothing';
  auroc: number;
  auprc?: number;
  fpr80?: number;
}

export const TABLE2_FASHIONMNIST_MNIST: readonly BaselineRow[] = [
  { method: 'Backgr. contrast. LR (PixelCNN)', assumes: 'OOD knowledge', auroc: 0.994, auprc: 0.993, fpr80: 0.001 },
  { method: 'Mahalanobis distance, DenseNet', assumes: 'labels', auroc: 0.986 },
  { method: 'WAIC, 5 models, VAE', assumes: 'nothing', auroc: 0.766 },
  { method: 'WAIC, 5 models, PixelCNN', assumes: 'nothing', auroc: 0.221, auprc: 0.401, fpr80: 0.911 },
  { method: 'Likelihood regret', assumes: 'nothing', auroc: 0.988 },
  { method: 'L>0 + HVAE (paper)', assumes: 'nothing', auroc: 0.268, auprc: 0.363, fpr80: 0.882 },
  { method: 'LLR>1 + HVAE (paper)', assumes: 'nothing', auroc: 0.964, auprc: 0.961, fpr80: 0.036 },
  { method: 'LLR>1, S = 250 + HVAE (paper)', assumes: 'nothing', auroc: 0.984, auprc: 0.984, fpr80: 0.013 },
];
