"""The layers of src/hvae/layers.ts in PyTorch. Parameters keep the app's layout and names (conv
kernels [k, k, C_in, C_out], dense [in, out], weight norm over every axis but the last), so weights
move between the engines without conversion; the forward pass permutes them to PyTorch's layout.
Feature maps are NCHW; convolutions pad as TensorFlow's 'same' does (more after than before)."""
import math

import torch
import torch.nn.functional as F
from torch import nn


def same_pads(n, kernel, stride):
    """TensorFlow's 'same' padding of one axis: (before, after)."""
    total = max((math.ceil(n / stride) - 1) * stride + kernel - n, 0)
    return total // 2, total - total // 2


class ParamStore:
    """The named parameters of a model in creation order (the order of the TypeScript model's
    variables), and whether a forward pass initialises weight-normalised layers from its batch."""

    def __init__(self, seed):
        self.params = {}
        self.init_mode = False
        self.generator = torch.Generator().manual_seed(seed)

    def create(self, module, attr, name, shape, init):
        if name in self.params:
            raise ValueError(f'Duplicate parameter {name}')
        if init == 'normal':
            value = torch.randn(shape, generator=self.generator) * 0.05
        else:
            value = (torch.zeros if init == 'zeros' else torch.ones)(shape)
        p = nn.Parameter(value)
        module.register_parameter(attr, p)
        self.params[name] = p
        return p


def normalised_weight(v, g):
    """w = g v / ||v||, the norm per output unit (the last axis)."""
    axes = list(range(v.dim() - 1))
    unit = v / torch.sqrt((v * v).sum(dim=axes, keepdim=True) + 1e-12)
    return unit if g is None else unit * g


def data_dependent_init(pre, g, b, scale, channel_dim):
    """Sets gain and bias so that pre's units have zero mean and `scale` std over the batch."""
    dims = [d for d in range(pre.dim()) if d != channel_dim]
    mean = pre.mean(dim=dims)
    var = ((pre - pre.mean(dim=dims, keepdim=True)) ** 2).mean(dim=dims)
    gain = scale / torch.sqrt(var + 1e-8)
    with torch.no_grad():
        g.copy_(gain)
        b.copy_(-mean * gain)
    shape = [1] * pre.dim()
    shape[channel_dim] = -1
    return (pre - mean.view(shape)) * gain.view(shape)


def pixel_shuffle(y, s, c):
    """[B, s*s*C, H, W] -> [B, C, H*s, W*s] with channel (a*s + b)*C + c at phase (a, b): the
    phase-major order of the TypeScript pixelShuffle (PyTorch's own is channel-major)."""
    bsz, _, h, w = y.shape
    r = y.reshape(bsz, s, s, c, h, w).permute(0, 3, 4, 1, 5, 2)
    return r.reshape(bsz, c, h * s, w * s)


def tied_taps(k, s):
    """A k-tap transposed convolution with stride s (out[s*q + t - before] += in[q] * w[t], cropped
    to s*H) read as a sub-pixel convolution: output phase a at position m sums in[m + d] * w[t] over
    t = a + before - s*d. Returns taps [s, n] (the tap of phase a at window offset u, or k for
    none) and the padding (before, after) that keeps the map's size, over the n offsets d read."""
    before = max(k - s, 0) // 2
    reads = {(a, (a + before - t) // s): t for a in range(s) for t in range(k) if (a + before - t) % s == 0}
    d0, d1 = min(d for _, d in reads), max(d for _, d in reads)
    taps = torch.full((s, d1 - d0 + 1), k, dtype=torch.long)
    for (a, d), t in reads.items():
        taps[a, d - d0] = t
    return taps, (-d0, d1)


class WnConv(nn.Module):
    """A weight-normalised 'same' convolution; up-sampling is sub-pixel (free s*s*C kernel, then a
    shuffle) or transposed (one k x k kernel, TensorFlow's cropping), as WnConv in TypeScript."""

    def __init__(self, store, name, in_ch, out_ch, kernel, stride=1, resample='down', init_scale=1.0, up_kernel='subPixel'):
        super().__init__()
        self.store, self.kernel, self.stride, self.init_scale = store, kernel, stride, init_scale
        self.out_ch = out_ch
        self.up = resample == 'up' and stride > 1
        self.tied = self.up and up_kernel == 'transposed'
        units = out_ch if self.tied or not self.up else out_ch * stride * stride
        self.v = store.create(self, 'v', f'{name}/v', [kernel, kernel, in_ch, units], 'normal')
        self.g = store.create(self, 'g', f'{name}/g', [units], 'ones')
        self.b = store.create(self, 'b', f'{name}/b', [units], 'zeros')
        if self.tied:
            self.taps, self.offsets = tied_taps(kernel, stride)

    def _conv(self, x, w):
        """x [B, C, H, W] with the normalised kernel in the app's layout."""
        if self.tied:
            # The transposed convolution as a sub-pixel one (as in TypeScript): PyTorch 1.13's CPU
            # conv_transpose2d has no oneDNN kernel and took 77% of an S = 250 evaluation.
            w = F.pad(w, (0, 0, 0, 0, 0, 1, 0, 1))  # tap k is zero: phases an offset does not reach
            t = self.taps.to(w.device)
            n, s, cin = t.shape[1], self.stride, w.shape[2]
            phased = w[t[:, :, None, None], t[None, None, :, :]]  # [a, u, b, v, C_in, C_out]
            kernel = phased.permute(1, 3, 4, 0, 2, 5).reshape(n, n, cin, s * s * self.out_ch)
            lo, hi = self.offsets
            y = F.conv2d(F.pad(x, (lo, hi, lo, hi)), kernel.permute(3, 2, 0, 1))
            return pixel_shuffle(y, s, self.out_ch)
        stride = 1 if self.up else self.stride
        ph = same_pads(x.shape[2], self.kernel, stride)
        pw = same_pads(x.shape[3], self.kernel, stride)
        if ph[0] == ph[1] and pw[0] == pw[1]:
            return F.conv2d(x, w.permute(3, 2, 0, 1), stride=stride, padding=(ph[0], pw[0]))
        return F.conv2d(F.pad(x, (pw[0], pw[1], ph[0], ph[1])), w.permute(3, 2, 0, 1), stride=stride)

    def forward(self, x):
        shuffle = (lambda y: pixel_shuffle(y, self.stride, self.out_ch)) if self.up and not self.tied else (lambda y: y)
        if self.store.init_mode:
            pre = self._conv(x, normalised_weight(self.v, None))
            return shuffle(data_dependent_init(pre, self.g, self.b, self.init_scale, 1))
        y = self._conv(x, normalised_weight(self.v, self.g)) + self.b.view(1, -1, 1, 1)
        return shuffle(y)


class WnDense(nn.Module):
    def __init__(self, store, name, in_units, out_units, init_scale=1.0):
        super().__init__()
        self.store, self.init_scale = store, init_scale
        self.v = store.create(self, 'v', f'{name}/v', [in_units, out_units], 'normal')
        self.g = store.create(self, 'g', f'{name}/g', [out_units], 'ones')
        self.b = store.create(self, 'b', f'{name}/b', [out_units], 'zeros')

    def forward(self, x):
        if self.store.init_mode:
            return data_dependent_init(x @ normalised_weight(self.v, None), self.g, self.b, self.init_scale, 1)
        return x @ normalised_weight(self.v, self.g) + self.b


def resampled_shape(shape, channels, stride, resample):
    h, w, _ = shape
    return (math.ceil(h / stride), math.ceil(w / stride), channels) if resample == 'down' else (h * stride, w * stride, channels)


class ResBlock(nn.Module):
    """y = Conv_s(Act(Conv(Act(x)) + Aux(Act(aux)))) + Shortcut(x): ResBlock of layers.ts, with its
    gated and reference variants and the same shortcut rules. Shapes are (H, W, C) as there."""

    def __init__(self, store, name, in_shape, channels, kernel, stride, resample, aux_shape, gated=False, reference=False, plain=False):
        super().__init__()
        self.in_shape, self.stride, self.gated, self.reference, self.plain = tuple(in_shape), stride, gated, reference, plain
        self.out_shape = resampled_shape(in_shape, channels, stride, resample)
        up_kernel = 'transposed' if reference else 'subPixel'
        self.conv1 = WnConv(store, f'{name}/conv1', in_shape[2], channels, kernel)
        self.conv2 = WnConv(store, f'{name}/conv2', channels, 2 * channels if gated else channels, kernel, stride, resample,
                            1.0 if reference else 0.1, up_kernel)
        mid = (in_shape[0], in_shape[1], channels)
        aux_dropped = reference and aux_shape is not None and tuple(aux_shape) == mid
        self.aux = aux_conv(store, f'{name}/aux', aux_shape, mid, kernel, up_kernel) if aux_shape is not None and not aux_dropped else None
        keeps = stride == 1 and in_shape[2] == channels
        if not reference:
            self.shortcut = 'identity' if keeps else 'projection'
        elif plain or (resample == 'up' and stride > 1):
            self.shortcut = 'none'
        else:
            self.shortcut = 'identity' if keeps else 'parameterFree'
        self.proj = WnConv(store, f'{name}/proj', in_shape[2], channels, 1, stride, resample) if self.shortcut == 'projection' else None

    def forward(self, x, aux):
        y = self.conv1(x if self.plain and self.reference else F.relu(x))
        if self.aux is not None and aux is not None:
            y = y + self.aux(F.relu(aux))
        y = self.conv2(F.relu(y))
        if self.gated:
            a, b = torch.chunk(y, 2, dim=1)
            y = a * torch.sigmoid(b)
        if self.shortcut == 'none':
            return y
        if self.shortcut == 'identity':
            return y + x
        if self.shortcut == 'projection':
            return y + self.proj(x)
        return y + self._parameter_free(x)

    def _parameter_free(self, x):
        """Channels cut or zero-padded to the output's, then a 3x3 average pool (zeros counted)."""
        c_in, c_out = self.in_shape[2], self.out_shape[2]
        r = x[:, :c_out] if c_out < c_in else F.pad(x, (0, 0, 0, 0, 0, c_out - c_in)) if c_out > c_in else x
        if self.stride > 1:
            ph = same_pads(self.in_shape[0], 3, self.stride)
            pw = same_pads(self.in_shape[1], 3, self.stride)
            r = F.avg_pool2d(F.pad(r, (pw[0], pw[1], ph[0], ph[1])), 3, self.stride)
        return r


def aux_conv(store, name, src, dst, kernel, up_kernel):
    """Brings an auxiliary feature map to a target shape: strided conv down, up-sampling conv up, 1x1 otherwise."""
    if src[0] > dst[0]:
        f = src[0] // dst[0]
        if f * dst[0] != src[0]:
            raise ValueError(f'{name}: cannot resample {src[0]} to {dst[0]}')
        return WnConv(store, name, src[2], dst[2], kernel, f, 'down')
    if src[0] < dst[0]:
        f = dst[0] // src[0]
        if f * src[0] != dst[0]:
            raise ValueError(f'{name}: cannot resample {src[0]} to {dst[0]}')
        return WnConv(store, name, src[2], dst[2], kernel, f, 'up', 1.0, up_kernel)
    return WnConv(store, name, src[2], dst[2], 1)
