"""The engine against the TypeScript library on the same weights, images and noise."""
import numpy as np
import pytest
import torch

from hvae_torch.create_model import create_model
from hvae_torch.training import loss_terms
from hvae_torch.weights_io import assign_weights, decode, read_model_dir

CONFIGS = ['tiny-grey', 'small-grey-ref', 'small-grey', 'small-grey-paper', 'paper-grey', 'biva-tiny-grey', 'biva-small-grey']


def load_case(ts_fixture, name, dtype=torch.float32):
    """The fixture's model, images and values. Passes compare in float32, as TypeScript computes them;
    gradients in float64, so that the engine's side of the comparison carries no round-off."""
    out, index = ts_fixture
    j, weights = read_model_dir(out / name)
    model = create_model(j['config'])
    assign_weights(model, weights)
    model = model.to(dtype)
    info = index[name]
    values = decode(info['specs'], (out / name / 'values.bin').read_bytes(), 'fixture')
    x = torch.from_numpy(np.array(values['x'])).permute(0, 3, 1, 2).to(dtype)
    return model, x, values, info


def to_torch_layout(a):
    """An NHWC draw as NCHW; vectors unchanged."""
    t = torch.from_numpy(np.array(a)).double()
    return t.permute(0, 3, 1, 2) if t.dim() == 4 else t


def replay(values, tag, count, rows=None):
    """The recorded draws in order; `rows` keeps the first rows of each (a draw for fewer images is
    the start of the same seeded stream)."""
    draws = [to_torch_layout(values[f'{tag}/noise/{i}'])[:rows] for i in range(count)]

    def noise(shape):
        d = draws.pop(0)
        assert tuple(d.shape) == tuple(shape), f'draw of shape {tuple(d.shape)} where the pass asks {tuple(shape)}'
        return d
    return noise, draws


def rel_close(a, b, tol=1e-4, floor=1e-6):
    """Relative difference at most tol, measured against |b| or `floor` where |b| is smaller."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    err = np.abs(a - b) / np.maximum(np.abs(b), floor)
    assert err.max() <= tol, f'largest relative difference {err.max():.2e} (engine {a.ravel()[err.argmax()]}, TypeScript {b.ravel()[err.argmax()]})'


@pytest.mark.parametrize('name', CONFIGS)
def test_deterministic_bounds_and_lower_bounds_below_l_equal_the_typescript_model(ts_fixture, name):
    model, x, values, _ = load_case(ts_fixture, name)
    with torch.no_grad():
        for k in range(model.num_stages + 1):
            r = model.run(x, k)
            rel_close(r['log_weight'].numpy(), values[f'deterministic/logWeight/{k}'])
        for l in range(1, model.num_stages + 1):
            r = model.run(x, 0, l=l)
            rel_close(r['log_weight'].numpy(), values[f'deterministic/logWeightBelow/{l}'])


@pytest.mark.parametrize('name', CONFIGS)
def test_passes_with_the_same_noise_agree_term_by_term(ts_fixture, name):
    model, x, values, info = load_case(ts_fixture, name)
    for tag, k, lower, l in [('k0', 0, 'mode', None), ('k1sample', 1, 'sample', None), ('l2', 0, 'mode', 2)]:
        noise, left = replay(values, tag, info['draws'][tag])
        with torch.no_grad():
            r = model.run(x, k, lower, noise, l=l)
        assert not left, f'{tag}: the pass used {info["draws"][tag] - len(left)} of {info["draws"][tag]} draws'
        rel_close(r['log_weight'].numpy(), values[f'{tag}/logWeight'])
        rel_close(r['log_px_given_z'].numpy(), values[f'{tag}/logPxGivenZ'])
        for i, t in enumerate(r['kl']):
            if t is not None:
                # A KL term near 0 nats is a sum of elements that cancel: float32 round-off of the
                # elements (a few 1e-6 nats over a layer), not of the sum, sets its error, so it is
                # measured against at least 0.1 nats.
                rel_close(t.numpy(), values[f'{tag}/kl/{i}'], 1e-4, 0.1)


@pytest.mark.parametrize('config', ['tiny-grey', 'small-grey-ref', 'biva-tiny-grey'])
@pytest.mark.parametrize('per', ['element', 'layer'])
def test_loss_and_gradients_of_one_step_agree(ts_fixture, config, per):
    model, x, values, info = load_case(ts_fixture, config, torch.float64)
    n = info['gradN']
    noise, _ = replay(values, 'k0', info['draws']['k0'], n)
    loss, _ = loss_terms(model, x[:n], info['beta'], info['freeBits'], per, noise)
    rel_close(float(loss), info['losses'][per])
    loss.backward()
    total = np.sqrt(sum(np.sum(np.asarray(values[f'grad/{per}/{n}'], dtype=np.float64) ** 2) for n in model.named_weights()))
    for name, p in model.named_weights().items():
        ref = np.asarray(values[f'grad/{per}/{name}'], dtype=np.float64)
        # A parameter the loss does not reach (the top latent's map into a stage above, which has none) has zero gradient.
        g = p.grad.numpy() if p.grad is not None else np.zeros(p.shape)
        diff = np.linalg.norm(g - ref)
        # A weight-normalised kernel with one element per output unit (a 1x1 projection of one channel) is
        # fixed up to sign: its gradient comes only from the 1e-12 inside the norm, where float32 round-off
        # of v^2 + 1e-12 dominates. Those get a looser bound; every other tensor 1e-4.
        degenerate = name.endswith('/v') and np.prod(p.shape[:-1]) == 1
        tol = 2e-2 if degenerate else 1e-4
        assert diff <= max(tol * np.linalg.norm(ref), 1e-7 * total), f'{name}: |grad difference| {diff:.3e}, |grad| {np.linalg.norm(ref):.3e}'
