/**
 * The lecture's narrative: one entry per slide, in order. The slides' figures are React components
 * (see Lecture.tsx); this file holds what the presenter view shows beside them: the speaker notes,
 * what the figure shows (the "next slide" preview) and a time budget for a 30-45 minute lecture.
 */
export interface SlideInfo {
  /** Short name, also the slide's heading. */
  title: string;
  /** One line on the live figure, for the presenter's preview of the next slide. */
  figure: string;
  /** Suggested minutes. */
  minutes: number;
  /** Speaker notes, one point per entry. */
  notes: string[];
}

export const SLIDES: readonly SlideInfo[] = [
  {
    title: 'The paradox',
    figure: 'Density of the ELBO L>0 on the FashionMNIST and MNIST test sets; AUROC of L>0 for detecting MNIST',
    minutes: 5,
    notes: [
      'The model on screen was trained on FashionMNIST only. It has never seen a digit.',
      'Both densities are the ELBO of every test image, computed by this model. MNIST sits to the right: higher likelihood.',
      'Using the likelihood to flag MNIST as out-of-distribution gives an AUROC below 0.5: worse than a coin flip. The paper reports 0.268.',
      'Same failure for Glow, PixelCNN and VAEs on CIFAR10 vs SVHN (Nalisnick et al., 2019). Question for the room: is the density estimate wrong?',
      '"Rescore live" recomputes both densities in this browser if anyone doubts the numbers.',
    ],
  },
  {
    title: 'The model',
    figure: 'Figure 4: the inference (bottom-up) and generative (top-down) paths; what each latent layer holds for the current image',
    minutes: 6,
    notes: [
      'Bottom-up inference q(z1|x) q(z2|z1) q(z3|z2); top-down generation p(z3) p(z2|z3) p(z1|z2) p(x|z1). Dashed arrows: skip connections.',
      'Hover or tab to a node: its shape and role. z1 is a 14x14x8 map (1,568 numbers), z2 has 16 and z3 has 8: a bottleneck.',
      'Bottom right: the posterior means of the current image. z1 still looks like the image: it is local, low-level. z2 and z3 are a handful of numbers.',
      'Pick another image with the thumbnails; the layers update live.',
    ],
  },
  {
    title: 'Low-level features are shared',
    figure: 'Figure 2: per-layer absolute correlation between two models\' representations; MNIST reconstructed by the FashionMNIST model',
    minutes: 6,
    notes: [
      'Train a second model on MNIST; feed both models the same images; correlate their representations layer by layer.',
      'The paper finds high correlation at the bottom, dropping towards the top: the low-level features do not depend much on the training data. Read the bars on screen before saying so: the shipped models are small and trained for a few epochs on two CPU cores, and need not show the same pattern.',
      'Right: in the paper, digits are reconstructed almost perfectly by a model that never saw a digit; its lowest layer is a generic image code. Compare how sharp this model\'s reconstructions are.',
      'Hypothesis of the paper: OOD data are in-distribution for the low-level features, not for the semantic ones.',
    ],
  },
  {
    title: 'Why the lowest layers dominate the likelihood',
    figure: 'KL per latent layer of the current image; Appendix C\'s expected inverse volume change against dimension, with sliders',
    minutes: 7,
    notes: [
      'The ELBO is log p(x|z1) minus a KL term that is a sum over layers, each summed over the layer\'s dimensions.',
      'Left: the KL of the current image per layer, live, and the share of z1 (1,568 dimensions against 16 and 8). Pick other images, digits too, and read the share.',
      'Right, Appendix C: with a deterministic decoder, each layer multiplies p(x) by an inverse volume change. For Gaussian Jacobians its expectation falls super-exponentially with the dimension.',
      'Move the sliders: the entry scale sigma shifts the curve, the dimension increase changes its slope, but the fall always wins. High-dimensional layers dominate.',
    ],
  },
  {
    title: 'The L>k bound',
    figure: 'Figure 1: reconstructions with the lowest k latents from the conditional prior, for an in-distribution and an OOD image',
    minutes: 6,
    notes: [
      'L>k takes z1..zk from the conditional prior instead of the posterior; only the latents above k see the data.',
      'k = 0 is the ELBO. As k grows the reconstruction must come from higher, more semantic latents.',
      'In-distribution image: the reconstructions stay close. MNIST digit: they drift towards clothing. The model reconstructs from what it knows.',
      'L>k alone is still a likelihood in data space: its densities still overlap (Figure 5b).',
    ],
  },
  {
    title: 'The likelihood ratio LLR>k',
    figure: 'Figure 5c: densities of LLR>1; Figure 6: ROC curves of every L>k and LLR>k; Table 2 against the baselines',
    minutes: 7,
    notes: [
      'LLR>k = L - L>k. The log p(x) inside both bounds cancels; what remains compares posteriors over latents only.',
      'The densities separate where the likelihood could not. ROC: the LLR curves hug the top left; L>0 lies under the diagonal.',
      'Table: the paper\'s numbers for methods that need no OOD examples and no labels, and this model\'s, measured from its eval files.',
      'One model, one dataset, no labels, no OOD examples: all scores from a single forward pass per k.',
    ],
  },
  {
    title: 'Try it',
    figure: 'Drawing pad with the verdict in large type',
    minutes: 5,
    notes: [
      'Invite someone to draw. A digit should come out as out-of-distribution, a T-shirt or a shoe as in-distribution.',
      'The verdict uses the paper\'s selection of k: OOD if any LLR>k lies beyond its 95th percentile on the FashionMNIST test set; it names the k it rests on.',
      'Summary: likelihoods are dominated by low-level features that generalise across datasets; comparing bounds that skip the lowest layers removes them.',
    ],
  },
];

/** A slide number from the URL, clamped to the slides that exist. */
export function clampSlide(n: number): number {
  return Math.min(SLIDES.length, Math.max(1, Math.round(n)));
}
