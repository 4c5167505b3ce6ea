"""Likelihood regret (Xiao, Yan & Amit, NeurIPS 2020) as src/hvae/likelihoodRegret.ts defines it:
    LR(x) = ELBO(x; encoder refitted to x) - ELBO(x; trained encoder)      (nats)
the generative model frozen, the refit the authors' (Adam, betas 0.9 and 0.999, epsilon 1e-8, one
sample of the ELBO per step), both ELBOs the mean of log w over the same seeded draws.

TypeScript refits one image at a time. Here every image of a batch gets its own copy of the inference
parameters and all copies take their Adam steps together (functorch's vmap of the per-image gradient),
which is what makes regret affordable on whole test sets."""
import math

import torch
from torch import nn

from .bounds import score_all

try:  # PyTorch 2
    from torch.func import functional_call, grad, vmap
except ImportError:  # PyTorch 1.13
    from functorch import grad, vmap
    from torch.nn.utils.stateless import functional_call

XIAO_REFIT = {'steps': 100, 'learning_rate': 2e-4}
REGRET_SAMPLES = 100
BETAS, EPSILON = (0.9, 0.999), 1e-8
# The refit's draws come from the global generator under this offset from the run's seed, so they
# never replay a stream the ELBOs draw (those are seeded with the small numbers bounds.py derives).
REFIT_SEED_OFFSET = 1 << 40


class NonFiniteRegretError(ValueError):
    pass


class _ElboPass(nn.Module):
    """One ELBO pass (k = 0) as a module call, so that functional_call can swap the encoder in."""

    def __init__(self, model, noise):
        super().__init__()
        self.model, self.noise = model, noise

    def forward(self, x):
        return self.model.run(x, 0, 'mode', self.noise)['log_weight']


def inference_parameters(model):
    """{name: parameter} of what the refit changes, by the app's names (model.is_inference_parameter)."""
    return {n: p for n, p in model.named_weights().items() if model.is_inference_parameter(n)}


def refit(model, x, steps, learning_rate, noise=None):
    """Each image of x [B, C, H, W] refits its own copy of the inference parameters. Returns
    {name: [B, ...]}. noise(shape) defaults to standard-normal draws from the global generator, each
    image its own; a given callable is shared by every image."""
    wrapped = _ElboPass(model, noise or (lambda shape: torch.randn(shape, device=x.device)))
    path_of = {id(p): n for n, p in wrapped.named_parameters()}
    trained = inference_parameters(model)
    names = list(trained)
    paths = [path_of[id(trained[n])] for n in names]
    copies = [trained[n].detach().unsqueeze(0).repeat(x.shape[0], *[1] * trained[n].dim()) for n in names]

    def loss(params, image):
        return -functional_call(wrapped, dict(zip(paths, params)), (image.unsqueeze(0),)).sum()

    per_image_grad = vmap(grad(loss), randomness='different' if noise is None else 'error')
    m = [torch.zeros_like(c) for c in copies]
    v = [torch.zeros_like(c) for c in copies]
    b1, b2 = BETAS
    # grad differentiates the copies only; outside it nothing needs a graph (the decoder is frozen).
    with torch.no_grad():
        for t in range(1, steps + 1):
            for c, mi, vi, g in zip(copies, m, v, per_image_grad(copies, x)):
                mi.mul_(b1).add_(g, alpha=1 - b1)
                vi.mul_(b2).addcmul_(g, g, value=1 - b2)
                c.sub_(learning_rate * (mi / (1 - b1 ** t)) / ((vi / (1 - b2 ** t)).sqrt() + EPSILON))
    return dict(zip(names, copies))


def mean_log_weight(model, image, samples, seed):
    """The ELBO of one image [1, C, H, W] as the mean of log w over `samples` seeded draws."""
    s = score_all(model, image, samples, ks=[0], seed=seed)
    return float(s['log_px_given_z'][0] - s['kl_per_layer'][:, 0].sum())


def likelihood_regret(model, x, steps=XIAO_REFIT['steps'], learning_rate=XIAO_REFIT['learning_rate'], samples=REGRET_SAMPLES, seed=0, noise=None):
    """Regret of each image of x [B, C, H, W]; image n measures its ELBOs with seed + n (as TypeScript
    seeds them). Returns {'before', 'after', 'regret'} as lists of floats. The model's weights are put
    back bit for bit."""
    if steps < 0 or int(steps) != steps:
        raise ValueError(f'steps must be a whole number >= 0, got {steps}')
    before = [mean_log_weight(model, x[n:n + 1], samples, seed + n) for n in range(x.shape[0])]
    with torch.random.fork_rng(devices=[x.device] if x.device.type == 'cuda' else []):
        torch.manual_seed(REFIT_SEED_OFFSET + seed)
        fitted = refit(model, x, steps, learning_rate, noise)
    trained = inference_parameters(model)
    kept = {n: p.detach().clone() for n, p in trained.items()}
    after = []
    try:
        with torch.no_grad():
            for n in range(x.shape[0]):
                for name, p in trained.items():
                    p.copy_(fitted[name][n])
                after.append(mean_log_weight(model, x[n:n + 1], samples, seed + n))
    finally:
        with torch.no_grad():
            for name, p in trained.items():
                p.copy_(kept[name])
    for n, (b, a) in enumerate(zip(before, after)):
        if not (math.isfinite(b) and math.isfinite(a)):
            raise NonFiniteRegretError(f'image {n}: the ELBO went from {b} to {a} nats during the refit')
    return {'before': before, 'after': after, 'regret': [a - b for a, b in zip(after, before)]}
