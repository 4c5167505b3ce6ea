"""Likelihood regret in the engine: the same refit as src/hvae/likelihoodRegret.ts, many images at once."""
import json

import numpy as np
import pytest
import torch

from conftest import ROOT
from hvae_torch import data
from hvae_torch.config import config_by_name
from hvae_torch.create_model import create_model
from hvae_torch.evaluate import main as evaluate_main
from hvae_torch.likelihood_regret import BETAS, EPSILON, inference_parameters, likelihood_regret, refit
from hvae_torch.metrics import auroc
from hvae_torch.regret import main as regret_main
from hvae_torch.weights_io import load_model
from test_parity import CONFIGS

MODEL = ROOT / 'models' / 'hvae-fashionmnist'


def binarised_test_images(dataset, n):
    x = data.binarize(data.load_images(dataset, 'test')[:n], data.binarization_seed(dataset, 'test'))
    return torch.from_numpy(np.ascontiguousarray(x)).reshape(-1, 28, 28, 1).permute(0, 3, 1, 2)


def pattern_noise(dtype):
    """Draws that do not depend on which image asks: the same for a batch as for each image alone."""
    def noise(shape):
        n = int(np.prod(shape))
        return torch.sin(torch.arange(n, dtype=dtype) * 0.7 + 0.3).reshape(shape)
    return noise


@pytest.mark.parametrize('name', CONFIGS)
def test_the_refit_changes_the_parameters_typescript_refits(ts_fixture, name):
    _, index = ts_fixture
    model = create_model(config_by_name(name))
    mine = sorted(inference_parameters(model))
    assert mine == sorted(index[name]['inference'])
    assert 0 < len(mine) < len(model.named_weights())


@pytest.mark.parametrize('name', ['tiny-grey', 'biva-tiny-grey'])
def test_refitting_images_together_equals_refitting_each_alone_with_torch_adam(name):
    # float64: the batched and the one-image convolutions round differently, and Adam's normalised
    # steps would carry float32 round-off of tiny gradients into the comparison. Each step moves a
    # parameter by about lr = 1e-2; the tolerance, 1e-7, leaves room only for round-off (a 1x1 kernel of one
    # channel is fixed up to sign by its norm and moves by round-off alone).
    x = binarised_test_images('fashionmnist', 3).double()
    model = create_model(config_by_name(name), seed=2).double()
    model.initialize(x, seed=3)
    steps, lr = 4, 1e-2
    together = refit(model, x, steps, lr, pattern_noise(torch.float64))
    params = inference_parameters(model)
    trained = {key: p.detach().clone() for key, p in params.items()}
    for n in range(3):
        with torch.no_grad():
            for key, p in params.items():
                p.copy_(trained[key])
        opt = torch.optim.Adam(params.values(), lr=lr, betas=BETAS, eps=EPSILON)
        for _ in range(steps):
            opt.zero_grad()
            (-model.run(x[n:n + 1], 0, 'mode', pattern_noise(torch.float64))['log_weight'].sum()).backward()
            opt.step()
        # Every parameter the ELBO reaches takes steps (the top latent's map into a stage above, which
        # has none, is not reached).
        reached = {key for key, p in params.items() if p.grad is not None and p.grad.abs().sum() > 0}
        assert {key for key, p in params.items() if not torch.equal(p.detach(), trained[key])} == reached
        assert len(reached) >= len(params) - 3
        for key, p in params.items():
            np.testing.assert_allclose(together[key][n].numpy(), p.detach().numpy(), rtol=1e-6, atol=1e-7, err_msg=f'image {n}: {key}')


def test_zero_steps_give_zero_regret_and_the_weights_come_back_bit_for_bit():
    model, _ = load_model(MODEL)
    model.eval()
    kept = {n: p.detach().clone() for n, p in model.named_weights().items()}
    r = likelihood_regret(model, binarised_test_images('fashionmnist', 3), steps=0, samples=5, seed=1)
    assert r['regret'] == [0.0, 0.0, 0.0]
    r = likelihood_regret(model, binarised_test_images('fashionmnist', 2), steps=3, samples=5, seed=1)
    assert all(v != 0 for v in r['regret'])
    for n, p in model.named_weights().items():
        assert torch.equal(p.detach(), kept[n]), n


def test_the_fashionmnist_model_regrets_mnist_digits_more_than_garments():
    # Xiao et al.'s claim, on 8 + 8 test images with a short refit: an encoder refitted to a digit gains
    # several nats where one refitted to a garment gains about nothing.
    model, _ = load_model(MODEL)
    model.eval()
    r = {d: likelihood_regret(model, binarised_test_images(d, 8), steps=20, samples=20, seed=1)['regret'] for d in ('fashionmnist', 'mnist')}
    assert np.mean(r['mnist']) - np.mean(r['fashionmnist']) > 4, r
    assert auroc(r['fashionmnist'], r['mnist']) >= 0.9, r


def test_regret_is_added_to_an_eval_file_on_its_own_images_and_resumes(tmp_path):
    evaluate_main(['--model', str(MODEL), '--n', '5', '--k', '0,1', '--eval-dir', str(tmp_path), '--splits', 'mnist/test'])
    path = tmp_path / 'mnist-test-S1.json'
    before = json.loads(path.read_text())
    whole = tmp_path / 'whole.json'
    whole.write_text(path.read_text())
    settings = ['--steps', '2', '--samples', '3', '--batch', '2']
    assert regret_main(['--model', str(MODEL), '--files', str(whole), *settings]) == 0
    # A run stopped after its first batch (images 0 and 1) left this; the next run goes on from there.
    x = data.binarize(data.load_images('mnist', 'test')[before['indices']], data.binarization_seed('mnist', 'test'))[:2]
    x = torch.from_numpy(np.ascontiguousarray(x)).reshape(-1, 28, 28, 1).permute(0, 3, 1, 2)
    model, _ = load_model(MODEL)
    model.eval()
    first = np.round(likelihood_regret(model, x, 2, 2e-4, 3, seed=1)['regret'], 4).tolist()
    partial = tmp_path / 'mnist-test-S1.json.regret-partial'
    partial.write_text(json.dumps({'done': 2, 'settings': {'steps': 2, 'learning_rate': 2e-4, 'samples': 3}, 'LR': first, 'engines': ['pytorch 9 elsewhere']}))
    args = ['--model', str(MODEL), '--files', str(path), *settings]
    assert regret_main(args) == 0
    after = json.loads(path.read_text())
    assert not partial.exists()
    assert after['indices'] == before['indices']
    assert {k: v for k, v in after['scores'].items() if k != 'LR'} == before['scores']
    # Seeded by position: the resumed file holds what the uninterrupted run computed.
    assert after['scores']['LR'] == json.loads(whole.read_text())['scores']['LR']
    assert len(after['scores']['LR']) == 5 and len(set(after['scores']['LR'])) == 5
    assert after['likelihood_regret']['steps'] == 2
    # The engine that began the file and the one that finished it.
    assert after['likelihood_regret']['engine'].startswith('pytorch 9 elsewhere and pytorch ')
    # A second run leaves the file as it is; another model's file is refused.
    assert regret_main(args) == 0
    assert json.loads(path.read_text()) == after
    with pytest.raises(SystemExit, match='not of hvae-mnist'):
        regret_main(['--model', str(ROOT / 'models' / 'hvae-mnist'), '--files', str(path)])
