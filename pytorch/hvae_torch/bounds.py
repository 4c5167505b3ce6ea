"""Every score of the paper from the one pass (src/hvae/bounds.ts):
    L>k_S  = log mean_s exp(log w_k^(s))      (k = 0: the ELBO, or the IW bound for S > 1)
    LLR>k_S = L>0_S - L>k_S
    L<l_S  likewise from the passes with the stages >= l drawn from the prior (the paper's Appendix E)
Per-element terms are summed in float64, as the TypeScript library does."""
import contextlib
import math

import numpy as np
import torch

# Rows (images x samples) per pass. On the CPU, passes of 2,000 rows ran 6 times slower than passes
# of 100-500 (S = 100, 20 images, biva-fashionmnist, 2 threads: 26.9 s against 4.3 s, 21 s of it in
# the kernel): their activations are too large for the allocator to keep.
MAX_ROWS = 250


def bits_per_dim(nats, dims):
    return -nats / (dims * math.log(2))


def _row_sums(t, rows):
    return t.detach().double().reshape(rows, -1).sum(dim=1).cpu().numpy()


class SeededNoise:
    """Standard-normal draws from one seeded generator on the model's device; counts its calls."""

    def __init__(self, seed, device):
        self.device = device
        self.generator = None if seed is None else torch.Generator(device=device).manual_seed(int(seed) & 0x7FFFFFFFFFFFFFFF)
        self.calls = 0

    def __call__(self, shape):
        self.calls += 1
        if self.generator is None:
            return torch.zeros(shape, device=self.device)
        return torch.randn(shape, generator=self.generator, device=self.device)


@torch.no_grad()
def score_all(model, x, samples=1, ks=None, seed=0, lower_latents='mode', max_rows=MAX_ROWS, autocast=None, ls=()):
    """Scores x [N, C, H, W] with S importance samples. Returns bounds[k][n] (NaN for k not in ks),
    ratios[k][n], bounds_below[l][n] (L<l for l in ls, NaN for the others), kl_per_layer[j][n]
    (latent j of model.latent_names) and log p(x|z) of the ELBO pass (means over samples)."""
    S, N, L = samples, x.shape[0], model.num_stages
    ks = sorted(set(range(L + 1) if ks is None else ks))
    if 0 not in ks or any(k < 0 or k > L for k in ks):
        raise ValueError(f'ks must hold 0 and lie in 0..{L}, got {ks}')
    ls = sorted(set(ls))
    if any(l < 1 or l > L for l in ls):
        raise ValueError(f'ls must lie in 1..{L}, got {ls}')
    per_chunk = max(1, max(max_rows, N) // N)
    logw = np.full((L + 1, S, N), np.nan)
    logw_below = np.full((L + 1, S, N), np.nan)
    kl = np.zeros((len(model.latent_names), N))
    log_px = np.zeros(N)
    # One pass per L>k, then one per L<l, each with its own noise stream from the run's seed (as
    # src/hvae/bounds.ts seeds them): k = 0 replays the ELBO pass.
    passes = [(k, None, logw[k], k) for k in ks] + [(0, l, logw_below[l], L + l) for l in ls]
    for k, l, target, stream in passes:
        noise = SeededNoise(None if seed is None else seed + 7919 * stream, x.device)
        for s0 in range(0, S, per_chunk):
            reps = min(per_chunk, S - s0)
            with (autocast or contextlib.nullcontext)():
                r = model.run(x, k, lower_latents, noise, replicas=reps, l=l)
            rows = reps * N
            lp = _row_sums(r['log_px_elements'], rows)
            kls = [_row_sums(t, rows) for t in r['kl_elements'] if t is not None]
            target[s0:s0 + reps] = (lp - sum(kls) if kls else lp).reshape(reps, N)
            if k == 0 and l is None:
                log_px += lp.reshape(reps, N).sum(axis=0) / S
                for i, t in enumerate(kls):
                    kl[i] += t.reshape(reps, N).sum(axis=0) / S
            elif noise.calls == 0:
                # A pass that drew nothing (k = L with the lower latents at their means) is the same for
                # every sample: a quarter of a three-stage model's work at S = 100.
                target[s0 + reps:] = target[s0]
                break

    def log_mean_exp(w):
        m = np.max(w, axis=1)
        with np.errstate(invalid='ignore'):
            return m + np.log(np.mean(np.exp(w - m[:, None, :]), axis=1))
    bounds = log_mean_exp(logw)
    ratios = bounds[0][None, :] - bounds
    return {'bounds': bounds, 'ratios': ratios, 'bounds_below': log_mean_exp(logw_below), 'kl_per_layer': kl, 'log_px_given_z': log_px}


def score_images(model, images, samples=1, ks=None, seed=0, batch_size=250, device='cpu', on_progress=None, autocast=None, ls=()):
    """Scores binarised images [n, 784] in batches; distinct noise per batch, reproducible from the seed."""
    h, w, c = model.config['inputShape']
    parts = []
    for b, i in enumerate(range(0, len(images), batch_size)):
        x = torch.from_numpy(np.ascontiguousarray(images[i:i + batch_size])).reshape(-1, h, w, c).permute(0, 3, 1, 2).to(device)
        parts.append(score_all(model, x, samples, ks, None if seed is None else seed + 104729 * b, autocast=autocast, ls=ls))
        if on_progress:
            on_progress(min(i + batch_size, len(images)))
    return {key: np.concatenate([p[key] for p in parts], axis=-1) for key in parts[0]}
