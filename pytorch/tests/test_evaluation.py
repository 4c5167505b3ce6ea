"""Evaluation by the engine against `npm run eval`'s committed files, and the eval file format."""
import json

import numpy as np
import pytest
import torch

from conftest import ROOT
from hvae_torch import data
from hvae_torch.bounds import score_all, score_images
from hvae_torch.evaluate import main as evaluate_main, split_indices
from hvae_torch.metrics import auroc
from hvae_torch.weights_io import load_model

MODEL = ROOT / 'models' / 'hvae-fashionmnist'
N = 2000


# Each shipped model with the LLR>k its card's rule chose, and a floor well below its AUROC on the
# full test sets (REPORT.md) that a broken engine would not reach.
@pytest.mark.parametrize('name,k,floor', [('hvae-fashionmnist', 1, 0.9), ('biva-fashionmnist', 2, 0.8), ('biva-mnist', 1, 0.95)])
def test_s1_auroc_on_2000_and_2000_test_images_agrees_with_the_typescript_eval(name, k, floor):
    model_dir = ROOT / 'models' / name
    model, j = load_model(model_dir)
    model.eval()
    in_set = j['meta']['dataset']
    ood_set = 'mnist' if in_set == 'fashionmnist' else 'fashionmnist'
    ts = {d: json.loads((model_dir / 'eval' / f'{d}-test-S1.json').read_text()) for d in (in_set, ood_set)}
    mine = {}
    for d in ts:
        assert ts[d]['indices'][:N] == list(range(N))
        x = data.binarize(data.load_images(d, 'test')[:N], data.binarization_seed(d, 'test'))
        mine[d] = score_images(model, x, 1, ks=[0, k], seed=1)['ratios'][k]
    engine = auroc(mine[in_set], mine[ood_set])
    # The files hold the bounds; LLR>k = L>0 - L>k, as their reader derives it.
    llr = {d: np.subtract(ts[d]['scores']['L>0'][:N], ts[d]['scores'][f'L>{k}'][:N]) for d in ts}
    typescript = auroc(llr[in_set], llr[ood_set])
    assert abs(engine - typescript) <= 0.005, (engine, typescript)
    assert engine > floor


def test_eval_writes_the_app_s_file_format_and_names_its_engine(tmp_path):
    evaluate_main(['--model', str(MODEL), '--n', '30', '--k', '0,1', '--eval-dir', str(tmp_path), '--splits', 'mnist/test'])
    f = json.loads((tmp_path / 'mnist-test-S1.json').read_text())
    assert f['indices'] == split_indices(10000, 30, 'test').tolist()
    # No LLR>1: the reader derives the ratios from the bounds (src/ood/evalFile.ts).
    assert list(f['scores']) == ['L>0', 'L>1']
    assert all(len(v) == 30 and v == np.round(v, 4).tolist() for v in f['scores'].values())
    assert f['engine'].startswith('pytorch ')


def test_a_resumed_eval_gives_the_uninterrupted_scores_and_names_both_engines(tmp_path):
    args = ['--model', str(MODEL), '--n', '10', '--k', '0,1', '--batch', '5', '--splits', 'mnist/test']
    evaluate_main([*args, '--eval-dir', str(tmp_path / 'whole')])
    whole = json.loads((tmp_path / 'whole' / 'mnist-test-S1.json').read_text())
    # What a run on another machine left after its first batch.
    (tmp_path / 'resumed').mkdir()
    first = {k: v[:5] for k, v in whole['scores'].items()}
    (tmp_path / 'resumed' / 'mnist-test-S1.json.partial').write_text(json.dumps({'done': 5, 'scores': first, 'engines': ['pytorch 9 elsewhere']}))
    evaluate_main([*args, '--eval-dir', str(tmp_path / 'resumed')])
    resumed = json.loads((tmp_path / 'resumed' / 'mnist-test-S1.json').read_text())
    assert resumed['scores'] == whole['scores']
    assert resumed['engine'] == f'pytorch 9 elsewhere and {whole["engine"]}'


def test_eval_with_l_writes_each_bound_below_l_and_no_generalised_ratio(tmp_path):
    evaluate_main(['--model', str(MODEL), '--n', '20', '--k', '0,1', '--l', '1,3', '--eval-dir', str(tmp_path), '--splits', 'mnist/test'])
    s = json.loads((tmp_path / 'mnist-test-S1.json').read_text())['scores']
    assert list(s) == ['L>0', 'L>1', 'L<1', 'L<3']
    # With z3 (and z2 for l = 1) from the prior the bound gives up the posterior's fit: every image scores lower.
    assert np.all(np.array(s['L<1']) < np.array(s['L>0']))


def test_a_pass_that_draws_no_noise_runs_once_and_gives_every_sample_its_value():
    # k = L with the lower latents at their means samples nothing; the other passes sample per replica.
    model, _ = load_model(ROOT / 'models' / 'biva-fashionmnist')
    model.eval()
    L = model.num_stages
    x = data.binarize(data.load_images('fashionmnist', 'test')[:3], data.binarization_seed('fashionmnist', 'test'))
    x = torch.from_numpy(np.ascontiguousarray(x)).reshape(-1, 28, 28, 1).permute(0, 3, 1, 2)
    runs = []
    run = model.run
    model.run = lambda x, k, *a, **kw: runs.append((k, kw['replicas'])) or run(x, k, *a, **kw)
    many = score_all(model, x, samples=30, seed=4, max_rows=6)
    model.run = run
    assert [r for k, r in runs if k == L] == [2]
    assert sum(r for k, r in runs if k == 1) == 30
    one = score_all(model, x, samples=1, ks=[0, L], seed=9)
    np.testing.assert_allclose(many['bounds'][L], one['bounds'][L], rtol=1e-6)
    assert not np.allclose(many['bounds'][1], score_all(model, x, samples=1, ks=[0, 1], seed=9)['bounds'][1], rtol=1e-6)
