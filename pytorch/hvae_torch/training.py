"""The training objective and step of src/hvae/training.ts: -E[log p(x|z)] + beta * KL with free
bits (per element, the paper's code, or shared among layers), their schedules, Adam, gradient
clipping and an exponential moving average of the weights. A step whose loss or gradient is not
finite is not applied."""
import math

import torch


def schedule_at(s, epoch):
    """(free bits, beta) at a fractional epoch: scheduleAt in TypeScript."""
    per_epoch = s.get('stepsPer') == 'epoch'
    warm = math.floor(epoch) + 1 if per_epoch else epoch
    beta = min(1.0, warm / s['warmupEpochs']) if s['warmupEpochs'] > 0 else 1.0
    done = math.floor(epoch) if per_epoch else epoch
    free_bits = s['freeBits']
    if done >= s['freeBitsHoldEpochs']:
        t = (done - s['freeBitsHoldEpochs']) / s['freeBitsAnnealEpochs'] if s['freeBitsAnnealEpochs'] > 0 else 1.0
        free_bits = s['freeBits'] * max(0.0, 1 - t)
    return free_bits, beta


def channels_of(t):
    """C_i of a latent's elements: the channel axis of a conv latent (NCHW), the units of a dense one."""
    return t.shape[1]


def element_free_bits(kl_elements, lam):
    """sum_i E_batch[sum_elements max(KL_i,element, lambda / C_i)]."""
    total = 0
    for t in kl_elements:
        total = total + torch.clamp(t, min=lam / channels_of(t)).reshape(t.shape[0], -1).sum(dim=1).mean()
    return total


def loss_terms(model, x, beta, free_bits, free_bits_per, noise):
    """The loss of a batch and its statistics (mean ELBO, mean log p(x|z), mean KL per layer)."""
    r = model.run(x, 0, 'mode', noise)
    kl_means = [t.mean() for t in r['kl']]
    nll = -r['log_px_given_z'].mean()
    # 'layer' free bits share lambda among all latents (BIVA: 2L - 1 of them).
    L = len(model.latent_names)
    if free_bits == 0:
        kl_loss = sum(kl_means)
    elif free_bits_per == 'element':
        kl_loss = element_free_bits(r['kl_elements'], free_bits)
    else:
        kl_loss = sum(torch.clamp(m, min=free_bits / L) for m in kl_means)
    loss = nll + beta * kl_loss
    stats = torch.stack([r['log_weight'].mean().detach(), -nll.detach(), *[m.detach() for m in kl_means]])
    return loss, stats


class NonFiniteLossError(Exception):
    pass


class Trainer:
    """Adam (PyTorch's, which is tfjs's update: bias-corrected moments, epsilon added to the root),
    optional clipping of the global gradient norm and an EMA of the weights. `model` may be wrapped
    (DistributedDataParallel); `core` is the model itself."""

    def __init__(self, core, lr, ema_decay=0.0, clip=0.0, adam_epsilon=1e-7):
        self.core = core
        self.params = list(core.named_weights().values())
        self.names = list(core.named_weights())
        self.optimizer = torch.optim.Adam(self.params, lr=lr, betas=(0.9, 0.999), eps=adam_epsilon)
        self.clip = clip
        self.ema_decay = ema_decay
        self.ema = [p.detach().clone() for p in self.params] if ema_decay > 0 else None

    def step(self, loss, stats):
        """Backpropagates and applies one step; returns (loss, gradient norm, stats) as floats."""
        self.optimizer.zero_grad(set_to_none=False)
        loss.backward()
        grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in self.params]
        norm = torch.sqrt(sum((g.double() ** 2).sum() for g in grads))
        loss_v, norm_v = float(loss.detach()), float(norm)
        if not (math.isfinite(loss_v) and math.isfinite(norm_v)):
            raise NonFiniteLossError(f'loss is {loss_v}, gradient norm {norm_v}')
        if self.clip > 0 and norm_v > self.clip:
            for g in grads:
                g.mul_(self.clip / norm_v)
        self.optimizer.step()
        if self.ema is not None:
            with torch.no_grad():
                for s, p in zip(self.ema, self.params):
                    s.mul_(self.ema_decay).add_(p.detach(), alpha=1 - self.ema_decay)
        return loss_v, norm_v, stats.tolist()

    def swap_ema(self):
        """Swaps weights and EMA shadows (twice swaps back): evaluate with the averaged weights."""
        if self.ema is None:
            return
        with torch.no_grad():
            for s, p in zip(self.ema, self.params):
                tmp = p.detach().clone()
                p.copy_(s)
                s.copy_(tmp)

    def optimizer_state(self):
        """(iterations, [m], [v]) in parameter order, for checkpoints in the app's format."""
        st = self.optimizer.state
        it = int(float(st[self.params[0]]['step'])) if self.params[0] in st else 0
        zeros = [torch.zeros_like(p) for p in self.params]
        ms = [st[p]['exp_avg'] if p in st else z for p, z in zip(self.params, zeros)]
        vs = [st[p]['exp_avg_sq'] if p in st else z for p, z in zip(self.params, zeros)]
        return it, ms, vs

    def load_optimizer_state(self, iterations, m, v):
        if iterations == 0:
            return
        for n, p in zip(self.names, self.params):
            self.optimizer.state[p] = {
                'step': torch.tensor(float(iterations)),
                'exp_avg': torch.as_tensor(m[n]).clone().to(p.device),
                'exp_avg_sq': torch.as_tensor(v[n]).clone().to(p.device),
            }

    def ema_by_name(self):
        return None if self.ema is None else dict(zip(self.names, self.ema))

    def load_ema(self, values):
        if self.ema is not None and values is not None:
            with torch.no_grad():
                for n, s in zip(self.names, self.ema):
                    s.copy_(torch.as_tensor(values[n]))
