"""The parts both models' stages are built from (src/hvae/stageParts.ts): the shapes along the
bottom-up path, Gaussian heads, the map from a latent sample to a feature map, the rule that picks a
generative block's skip input, and the data-dependent initialisation."""
import torch
import torch.nn.functional as F
from torch import nn

from .layers import WnConv, WnDense, resampled_shape
from .likelihoods import bernoulli_log_density, softplus_std, sum_per_example


def inference_shapes(input_shape, stages):
    """(in_shapes, h_shapes, z_shapes) along the bottom-up path, as inferenceShapes in TypeScript."""
    in_shapes, h_shapes, z_shapes = [], [], []
    a = tuple(input_shape)
    for i, s in enumerate(stages):
        in_shapes.append(a)
        h = a
        for b in s['blocks']:
            if h[0] % b['stride'] or h[1] % b['stride']:
                raise ValueError(f'Stage {i + 1}: size {h[0]}x{h[1]} is not divisible by stride {b["stride"]}')
            h = resampled_shape(h, b['channels'], b['stride'], 'down')
        h_shapes.append(h)
        lat = s['latent']
        z = (h[0], h[1], lat['channels']) if lat['kind'] == 'conv' else (lat['units'],)
        z_shapes.append(z)
        a = z if lat['kind'] == 'conv' else h
    return in_shapes, h_shapes, z_shapes


def initialize_from_batch(model, x, seed):
    """One k = 0 pass with sampled latents and every weight-normalised layer in initialisation mode."""
    gen = torch.Generator().manual_seed(seed)
    model.store.init_mode = True
    try:
        with torch.no_grad():
            model.run(x, 0, 'mode', lambda shape: torch.randn(shape, generator=gen))
    finally:
        model.store.init_mode = False

HEAD_INIT_SCALE = 0.1


class GaussianHead(nn.Module):
    """Features -> (mean, std) of a conv map or a dense vector; the first half of the outputs are
    means (channels of a conv map, units of a vector), as tf.split in TypeScript."""

    def __init__(self, store, name, src, latent, reference):
        super().__init__()
        self.reference = reference
        scale = 1.0 if reference else HEAD_INIT_SCALE
        if latent['kind'] == 'conv':
            self.conv = WnConv(store, name, src[2], 2 * latent['channels'], latent['kernel'], 1, 'down', scale)
            self.dense = None
        else:
            self.conv = None
            self.dense = WnDense(store, name, src[0] * src[1] * src[2], 2 * latent['units'], scale)

    def forward(self, features):
        h = F.relu(features) if self.reference else features
        params = self.conv(h) if self.conv is not None else self.dense(to_vector(h))
        mean, std_logits = torch.chunk(params, 2, dim=1)
        return mean, softplus_std(std_logits)


def to_vector(h):
    """[B, C, H, W] -> [B, H*W*C] in the app's (H, W, C) order."""
    return h.permute(0, 2, 3, 1).reshape(h.shape[0], -1)


class LatentToMap(nn.Module):
    """A latent sample as a feature map: conv latents already are one; dense ones go through a dense layer."""

    def __init__(self, store, name, latent, map_shape):
        super().__init__()
        self.map_shape = tuple(map_shape)
        self.dense = WnDense(store, name, latent['units'], map_shape[0] * map_shape[1] * map_shape[2]) if latent['kind'] == 'dense' else None

    def forward(self, z):
        if self.dense is None:
            return z
        h, w, c = self.map_shape
        return self.dense(z).reshape(z.shape[0], h, w, c).permute(0, 3, 1, 2)


def skip_source(above, j, every_block):
    if not above:
        return None
    if every_block:
        return above[min(j, len(above) - 1)]
    return above[-1] if j == 0 else None


def batch_shape(batch, latent_shape):
    """A latent's tensor shape: conv latents (H, W, C) are NCHW here."""
    if len(latent_shape) == 3:
        return (batch, latent_shape[2], latent_shape[0], latent_shape[1])
    return (batch, *latent_shape)


def replica_tiler(k, num_stages, replicas, l=None):
    """Checks a pass's k (0..num_stages) and l (1..num_stages + 1, L<l: with k = 0 only); returns the
    map of a tensor to `replicas` stacked copies."""
    if not (isinstance(k, int) and 0 <= k <= num_stages):
        raise ValueError(f'k must be an integer in 0..{num_stages}, got {k}')
    l = first_prior_stage(l, num_stages)
    if not (isinstance(l, int) and 1 <= l <= num_stages + 1):
        raise ValueError(f'l must be an integer in 1..{num_stages + 1}, got {l}')
    if l <= num_stages and k != 0:
        raise ValueError(f'L<l takes the stages below l from q: k must be 0, got {k}')

    def tile(t):
        return t if replicas == 1 else t.repeat(replicas, *([1] * (t.dim() - 1)))
    return tile


def first_prior_stage(l, num_stages):
    """The l of L<l: the first stage (1-based) whose latents come from the prior; L + 1 when none does."""
    return num_stages + 1 if l is None else l


def pass_result(x, logits, latents, kl_elements):
    """A pass's per-example terms (PassResult in TypeScript) from the tiled images, the logits of p(x|z),
    the latents and each latent's KL elements (None below the cut)."""
    kl = [sum_per_example(e) if e is not None else None for e in kl_elements]
    log_px_elements = bernoulli_log_density(x, logits)
    log_px = sum_per_example(log_px_elements)
    log_weight = log_px
    for term in kl:
        if term is not None:
            log_weight = log_weight - term
    return {'logits': logits, 'log_px_given_z': log_px, 'kl': kl, 'kl_elements': kl_elements,
            'log_px_elements': log_px_elements, 'log_weight': log_weight, 'latents': latents}
