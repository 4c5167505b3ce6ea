"""BIVA as src/hvae/biva.ts builds it from the same configuration (../shared/paper/biva.md): per stage
below the top a bottom-up and a top-down latent, the top one latent; BU, TD and generative paths with
every skip taken through a convolution; L>k counts stages. Parameters are created in the TypeScript
order, with its names, and the noise is drawn in its order."""
import re

import torch
import torch.nn.functional as F
from torch import nn

from .layers import ParamStore, ResBlock, WnConv
from .likelihoods import gaussian_log_density, standard_normal_log_density
from .stage_parts import (GaussianHead, LatentToMap, batch_shape, first_prior_stage, inference_shapes, initialize_from_batch, pass_result, replica_tiler,
                          skip_source)


def pair_of(latent):
    """The generative path reads [z^TD, z^BU]: twice the channels or units."""
    if latent['kind'] == 'conv':
        return {**latent, 'channels': 2 * latent['channels']}
    return {'kind': 'dense', 'units': 2 * latent['units']}


class Biva(nn.Module):
    def __init__(self, config, seed=0):
        super().__init__()
        self.config = config
        store = self.store = ParamStore(seed)
        stages_cfg = config['stages']
        L = self.num_stages = len(stages_cfg)
        if L < 2:
            raise ValueError('BIVA needs at least two stages')
        h0, w0, c0 = config['inputShape']
        self.dims = h0 * w0 * c0
        gated = config.get('gated') is True

        def block(name, shape, b, resample, aux, stride=None, channels=None, kernel=None):
            return ResBlock(store, name, shape, channels or b['channels'], kernel or b['kernel'], b['stride'] if stride is None else stride,
                            resample, aux, gated, False, False)

        bu_in_shapes, h_shapes, z_shapes = inference_shapes((h0, w0, c0), stages_cfg)

        self.stages = nn.ModuleList()
        for i, s in enumerate(stages_cfg):
            name, top = f'stage{i + 1}', i == L - 1
            st = nn.Module()  # one stage's layers, named as attributes
            prev = h_shapes[i - 1] if i > 0 else None
            bu_skip = (prev[0], prev[1], 2 * prev[2]) if prev else None
            shape, blocks = bu_in_shapes[i], []
            for j, b in enumerate(s['blocks']):
                blocks.append(block(f'{name}/bu/block{j + 1}', shape, b, 'down', bu_skip))
                shape = blocks[-1].out_shape
            st.bu_blocks = nn.ModuleList(blocks)
            map_shape = z_shapes[i] if s['latent']['kind'] == 'conv' else h_shapes[i]
            st.q_bu = None if top else GaussianHead(store, f'{name}/q_bu/latent', h_shapes[i], s['latent'], False)
            st.bu_to_map = None if top else LatentToMap(store, f'{name}/q_bu/tomap', s['latent'], map_shape)
            shape, blocks = prev or (h0, w0, c0), []
            for j, b in enumerate(s['blocks']):
                blocks.append(block(f'{name}/td/block{j + 1}', shape, b, 'down', h_shapes[i]))
                shape = blocks[-1].out_shape
            st.td_blocks = nn.ModuleList(blocks)
            self.stages.append(st)
        h_top = h_shapes[L - 1]
        last = stages_cfg[L - 1]['blocks'][-1]
        self.top_merge = block('top/merge', (h_top[0], h_top[1], 2 * h_top[2]), last, 'down', None, stride=1, channels=h_top[2])
        self.q_top = GaussianHead(store, 'top/q/latent', h_top, stages_cfg[L - 1]['latent'], False)

        e_shapes = [None] * L
        above_out_shapes = []
        for i in range(L - 1, -1, -1):
            s, st = stages_cfg[i], self.stages[i]
            name, top = f'stage{i + 1}', i == L - 1
            latent = s['latent'] if top else pair_of(s['latent'])
            map_shape = (h_shapes[i][0], h_shapes[i][1], latent['channels']) if latent['kind'] == 'conv' else h_shapes[i]
            st.p_to_map = LatentToMap(store, f'{name}/p/tomap', latent, map_shape)
            shape, blocks = map_shape, []
            for j, b in enumerate(reversed(s['blocks'])):
                blocks.append(block(f'{name}/p/block{j + 1}', shape, b, 'up', skip_source(above_out_shapes, j, True)))
                shape = blocks[-1].out_shape
            st.p_blocks = nn.ModuleList(blocks)
            above_out_shapes = [blk.out_shape for blk in blocks]
            e_shapes[i] = shape
            st.p_bu = st.p_td = st.td_merge = st.q_td = None
            if not top:
                e, h = e_shapes[i + 1], h_shapes[i]
                st.p_bu = GaussianHead(store, f'{name}/p_bu/latent', e, s['latent'], False)
                st.p_td = GaussianHead(store, f'{name}/p_td/latent', e, s['latent'], False)
                st.td_merge = block(f'{name}/td/merge', h, s['blocks'][0], 'down', e, stride=1, channels=h[2])
                st.q_td = GaussianHead(store, f'{name}/q_td/latent', h, s['latent'], False)
        e0 = e_shapes[0]
        if e0[0] != h0 or e0[1] != w0:
            raise ValueError(f'Generative path ends at {e0[0]}x{e0[1]}, input is {h0}x{w0}')
        self.output = WnConv(store, 'output', e0[2], c0, 3)

        self.latent_names, self.latent_stages, self.latent_shapes = [], [], []
        for i in range(L):
            for half in ([''] if i == L - 1 else [' BU', ' TD']):
                self.latent_names.append(f'z{i + 1}{half}')
                self.latent_stages.append(i + 1)
                self.latent_shapes.append(z_shapes[i])

    def named_weights(self):
        """The parameters by their names in the app's weights format, in the TypeScript model's order."""
        return self.store.params

    def is_inference_parameter(self, name):
        """Both inference paths and their merges: all but the generative path and the output layer
        (isInferenceParameter in TypeScript)."""
        return re.search(r'/p(_bu|_td)?/', name) is None and re.match(r'^output(/|$)', name) is None

    def num_params(self):
        return sum(p.numel() for p in self.store.params.values())

    def run(self, x, k, lower_latents='mode', noise=None, replicas=1, l=None):
        """The pass of Biva.run in TypeScript: x [N, C, H, W]; k and l count stages, both halves."""
        L = self.num_stages
        tile = replica_tiler(k, L, replicas, l)
        top = first_prior_stage(l, L) - 1
        noise = noise or (lambda shape: torch.zeros(shape))

        def sample(d):
            return d[0] + d[1] * noise(tuple(d[0].shape)).to(d[0])

        u, t, skip = x, x, None
        ts, q_bu, z_bu = [], [], []
        for i, st in enumerate(self.stages[:top]):
            if i == k:
                u, t = tile(u), tile(t)
                skip = tile(skip) if skip is not None else None
            b = u
            for blk in st.bu_blocks:
                b = blk(b, skip)
            for blk in st.td_blocks:
                t = blk(t, b)
            ts.append(t)
            if st.q_bu is not None:
                q = st.q_bu(b)
                z = q[0] if i < k else sample(q)
                q_bu.append(q)
                z_bu.append(z)
                u = st.bu_to_map(z)
            skip = torch.cat([b, t], dim=1)
        q_top = self.q_top(self.top_merge(skip, None)) if k < L and top == L else None
        z_top = sample(q_top) if q_top is not None else None

        xr = tile(x)
        qs = [None] * len(self.latent_names)

        def pick(i, priors, e):
            if i >= top:
                if len(priors) == 1:
                    return [sample(priors[0])]
                td = sample(priors[1])  # TD drawn before BU, as sample_prior and the L>k pass draw them
                return [sample(priors[0]), td]
            if i == L - 1:
                qs[-1] = q_top
                return [z_top if z_top is not None else self._lower(priors[0], lower_latents, noise)]
            if i < k:
                td = self._lower(priors[1], lower_latents, noise)
                return [self._lower(priors[0], lower_latents, noise), td]
            st = self.stages[i]
            q = st.q_td(st.td_merge(ts[i], e))
            qs[2 * i], qs[2 * i + 1] = q_bu[i], q
            return [z_bu[i], sample(q)]

        logits, latents, priors = self.generate(xr.shape[0], pick, x)
        kl_elements = [gaussian_log_density(z, *qs[j]) - self.log_prior(j, z, priors[j]) if qs[j] is not None else None
                       for j, z in enumerate(latents)]
        return pass_result(xr, logits, latents, kl_elements)

    @staticmethod
    def _lower(prior, lower_latents, noise):
        if lower_latents == 'mode':
            return prior[0]
        return prior[0] + prior[1] * noise(tuple(prior[0].shape)).to(prior[0])

    def generate(self, batch, pick, like):
        """`pick(i, priors, e)` returns stage i's latents ([BU, TD] or [z_L]); returns logits and the
        latents and priors in latent order (bottom first)."""
        L = self.num_stages
        latents, priors = [None] * len(self.latent_names), [None] * len(self.latent_names)
        e, above = None, []
        for i in range(L - 1, -1, -1):
            st = self.stages[i]
            if st.p_bu is not None and e is not None:
                ps = [st.p_bu(e), st.p_td(e)]
            else:
                shape = batch_shape(batch, self.latent_shapes[-1])
                ps = [(like.new_zeros(shape), like.new_ones(shape))]
            zs = pick(i, ps, e)
            first = 2 * i
            for j, (z, p) in enumerate(zip(zs, ps)):
                latents[first + j], priors[first + j] = z, p
            m = st.p_to_map(torch.cat([zs[1], zs[0]], dim=1) if len(zs) == 2 else zs[0])
            outs = []
            for j, blk in enumerate(st.p_blocks):
                m = blk(m, skip_source(above, j, True))
                outs.append(m)
            above, e = outs, m
        return self.output(F.relu(e)), latents, priors

    def log_prior(self, j, z, prior):
        return standard_normal_log_density(z) if j == len(self.latent_names) - 1 else gaussian_log_density(z, *prior)

    @torch.no_grad()
    def sample_prior(self, n, generator=None, lower_latents='sample'):
        def draw(shape):
            return torch.randn(shape, generator=generator)

        def pick(i, priors, _e):
            if i == self.num_stages - 1:
                return [priors[0][0] + priors[0][1] * draw(priors[0][0].shape).to(priors[0][0])]
            td = self._lower(priors[1], lower_latents, draw)
            return [self._lower(priors[0], lower_latents, draw), td]
        logits, _, _ = self.generate(n, pick, next(self.parameters()))
        return torch.sigmoid(logits)

    def initialize(self, x, seed=1):
        """Data-dependent initialisation of every weight-normalised layer from one batch (latents sampled)."""
        initialize_from_batch(self, x, seed)
