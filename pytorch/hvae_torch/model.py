"""The bottom-up hierarchical VAE of src/hvae/model.ts, built from the same configuration data.
One pass, `run`, is behind every score: below z_{k+1} the encoder is deterministic (means of q)
and z_1..z_k come from the conditional prior (its mean, or a sample)."""
import re

import torch
import torch.nn.functional as F
from torch import nn

from .layers import ParamStore, ResBlock, WnConv
from .likelihoods import gaussian_log_density, standard_normal_log_density
from .stage_parts import (GaussianHead, LatentToMap, batch_shape, first_prior_stage, inference_shapes, initialize_from_batch, pass_result, replica_tiler,
                          skip_source)


class Hvae(nn.Module):
    def __init__(self, config, seed=0):
        super().__init__()
        self.config = config
        store = self.store = ParamStore(seed)
        stages_cfg = config['stages']
        L = self.num_stages = len(stages_cfg)
        h0, w0, c0 = config['inputShape']
        self.dims = h0 * w0 * c0
        self.skip = config.get('skip', True) is not False
        self.every_block = config.get('skipEveryBlock') is True
        gated = config.get('gated') is True
        reference = config.get('referenceBlocks') is True

        in_shapes, h_shapes, z_shapes = inference_shapes((h0, w0, c0), stages_cfg)

        self.stages = nn.ModuleList()
        for i, s in enumerate(stages_cfg):
            name = f'stage{i + 1}'
            st = nn.Module()  # one stage's layers, named as attributes
            aux_q = h_shapes[i - 1] if self.skip and i > 0 else None
            shape = in_shapes[i]
            blocks = []
            for j, b in enumerate(s['blocks']):
                aux = aux_q if j == 0 or self.every_block else None
                blk = ResBlock(store, f'{name}/q/block{j + 1}', shape, b['channels'], b['kernel'], b['stride'], 'down', aux,
                               gated, reference, i == 0 and j == 0)
                shape = blk.out_shape
                blocks.append(blk)
            st.q_blocks = nn.ModuleList(blocks)
            st.q_head = GaussianHead(store, f'{name}/q/latent', h_shapes[i], s['latent'], reference)
            map_shape = z_shapes[i] if s['latent']['kind'] == 'conv' else h_shapes[i]
            st.q_to_map = LatentToMap(store, f'{name}/q/tomap', s['latent'], map_shape)
            st.p_to_map = LatentToMap(store, f'{name}/p/tomap', s['latent'], map_shape)
            st.latent_shape = z_shapes[i]
            st.p_head = None
            self.stages.append(st)

        d_shapes = [None] * L
        above_out_shapes = []
        for i in range(L - 1, -1, -1):
            s, st = stages_cfg[i], self.stages[i]
            shape = st.p_to_map.map_shape
            blocks = []
            for j, b in enumerate(reversed(s['blocks'])):
                aux = skip_source(above_out_shapes, j, self.every_block) if self.skip and i < L - 1 else None
                blk = ResBlock(store, f'stage{i + 1}/p/block{j + 1}', shape, b['channels'], b['kernel'], b['stride'], 'up', aux,
                               gated, reference, j == 0)
                shape = blk.out_shape
                blocks.append(blk)
            st.p_blocks = nn.ModuleList(blocks)
            above_out_shapes = [blk.out_shape for blk in blocks]
            d_shapes[i] = shape
            if i < L - 1:
                st.p_head = GaussianHead(store, f'stage{i + 1}/p/latent', d_shapes[i + 1], s['latent'], reference)
        d0 = d_shapes[0]
        if d0[0] != h0 or d0[1] != w0:
            raise ValueError(f'Generative path ends at {d0[0]}x{d0[1]}, input is {h0}x{w0}')
        self.output = WnConv(store, 'output', d0[2], c0, 3)
        self.latent_names = [f'z{i + 1}' for i in range(L)]
        self.latent_stages = list(range(1, L + 1))
        self.latent_shapes = z_shapes

    def named_weights(self):
        """The parameters by their names in the app's weights format, in the TypeScript model's order."""
        return self.store.params

    def is_inference_parameter(self, name):
        """The encoder, q's path (isInferenceParameter in TypeScript): what likelihood regret refits."""
        return re.match(r'^stage\d+/q/', name) is not None

    def num_params(self):
        return sum(p.numel() for p in self.store.params.values())

    def run(self, x, k, lower_latents='mode', noise=None, replicas=1, l=None):
        """x: [N, C, H, W]. noise(shape) gives standard-normal draws (zeros: every latent at its mean).
        l: L<l, the stages from l up draw their latents from the prior (default none).
        Returns a dict of per-example terms as PassResult in TypeScript (latents NCHW or [N, units])."""
        L = self.num_stages
        tile = replica_tiler(k, L, replicas, l)
        top = first_prior_stage(l, L) - 1
        noise = noise or (lambda shape: torch.zeros(shape))

        qs, zq = [], []
        a, h_prev = x, None
        for i, st in enumerate(self.stages[:top]):
            h = a
            for j, blk in enumerate(st.q_blocks):
                h = blk(h, h_prev if j == 0 or self.every_block else None)
            mean, std = st.q_head(h)
            if i == k:
                mean, std, h = tile(mean), tile(std), tile(h)
            z = mean if i < k else mean + std * noise(tuple(mean.shape)).to(mean)
            qs.append((mean, std))
            zq.append(z)
            a = st.q_to_map(z)
            h_prev = h
        xr = tile(x)

        def pick(i, prior):
            if i >= top:
                return prior[0] + prior[1] * noise(tuple(prior[0].shape)).to(prior[0])
            if i >= k:
                return zq[i]
            if lower_latents == 'mode':
                return prior[0]
            return prior[0] + prior[1] * noise(tuple(prior[0].shape)).to(prior[0])

        logits, latents, priors = self.generate(xr.shape[0], pick, x)
        kl_elements = [gaussian_log_density(z, *qs[i]) - self.log_prior(i, z, priors[i]) if k <= i < top else None
                       for i, z in enumerate(latents)]
        return pass_result(xr, logits, latents, kl_elements)

    def generate(self, batch, pick, like):
        """The generative path; `pick(i, prior)` chooses z_i. `like` gives the device and dtype of the top prior."""
        L = self.num_stages
        latents, priors = [None] * L, [None] * L
        d, above = None, []
        for i in range(L - 1, -1, -1):
            st = self.stages[i]
            if st.p_head is not None and d is not None:
                prior = st.p_head(d)
            else:
                shape = batch_shape(batch, st.latent_shape)
                prior = (like.new_zeros(shape), like.new_ones(shape))
            z = pick(i, prior)
            latents[i], priors[i] = z, prior
            m = st.p_to_map(z)
            outs = []
            for j, blk in enumerate(st.p_blocks):
                m = blk(m, skip_source(above, j, self.every_block))
                outs.append(m)
            above, d = outs, m
        return self.output(F.relu(d)), latents, priors

    def log_prior(self, i, z, prior):
        return standard_normal_log_density(z) if i == self.num_stages - 1 else gaussian_log_density(z, *prior)

    @torch.no_grad()
    def sample_prior(self, n, generator=None, lower_latents='sample'):
        def pick(i, prior):
            if lower_latents == 'mode' and i < self.num_stages - 1:
                return prior[0]
            return prior[0] + prior[1] * torch.randn(prior[0].shape, generator=generator).to(prior[0])
        logits, _, _ = self.generate(n, pick, next(self.parameters()))
        return torch.sigmoid(logits)

    def initialize(self, x, seed=1):
        """Data-dependent initialisation of every weight-normalised layer from one batch (latents sampled)."""
        initialize_from_batch(self, x, seed)
