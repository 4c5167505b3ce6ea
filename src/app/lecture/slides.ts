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
    title: 'Our two models agree most near the pixels',
    figure: 'Figure 2: best-match correlation and linear CKA between the FashionMNIST and the MNIST model, every layer of the inference network, on test images of both datasets',
    minutes: 6,
    notes: [
      'A second model, trained on MNIST. Both see the same 1,000 test images of each dataset; every layer of their inference networks is compared, bottom to top: each residual block (b) and each posterior mean (z).',
      'Two measures. Best-match |r| (Li et al., 2016): each unit, a channel of a conv layer with every position an observation, paired with its best-correlated unit in the other model. Linear CKA (Kornblith et al., 2019): each layer as a whole, one row per image, no pairing.',
      'Bottom panel, CKA: 0.99 at the first block, 0.69 at z3 on FashionMNIST images (0.97 and 0.56 on MNIST images). This is the paper\'s finding: the lower layers agree more.',
      'Top panel: over all its units z1 correlates least of the latents (0.345). In each model only one of z1\'s 8 channels is active; the other seven hold posterior means that hardly vary and match nothing. Among active units (diamonds) z1 correlates most: 0.88, then z2 0.69, z3 0.61.',
      'The top stage\'s blocks have |r| near 0.15 but CKA 0.84: their input is z2 through a dense layer reshaped to a 7x7 map, so one channel means different things at different positions, and pairing channels fails. CKA pairs nothing.',
      'Dashed: against an untrained network of the MNIST model\'s architecture. Its CKA is already 0.93 at the first block but 0.30 at z3: the lowest layers agree largely because they stay close to the pixels; training makes the top agree.',
      'Hypothesis of the paper: OOD data are in-distribution for the low-level features, not for the semantic ones. "Recompute live" redoes the figure in this browser from 200 images of each dataset.',
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
