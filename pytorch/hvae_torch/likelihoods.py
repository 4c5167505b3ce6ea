"""Log densities element by element, as src/hvae/likelihoods.ts; per-example sums over every non-batch axis."""
import math

import torch
import torch.nn.functional as F

LN2 = math.log(2.0)
HALF_LOG_TWO_PI = 0.5 * math.log(2 * math.pi)


def softplus_std(logits):
    """Softplus with beta = ln 2: zero logits give std 1."""
    return F.softplus(logits * LN2) / LN2


def gaussian_log_density(z, mean, std):
    u = (z - mean) / std
    return -(0.5 * u * u + torch.log(std) + HALF_LOG_TWO_PI)


def standard_normal_log_density(z):
    return -(0.5 * z * z + HALF_LOG_TWO_PI)


def bernoulli_log_density(x, logits):
    return x * logits - F.softplus(logits)


def sum_per_example(t):
    return t.reshape(t.shape[0], -1).sum(dim=1)
