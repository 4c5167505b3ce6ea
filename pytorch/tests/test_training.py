"""Training: the objective's pieces, resuming, one process against two (DistributedDataParallel on gloo)."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from conftest import ROOT
from hvae_torch.train import parse, selection_value, settings_from
from hvae_torch.training import element_free_bits, schedule_at
from hvae_torch.weights_io import load_checkpoint

TINY = ['--config', 'tiny-grey', '--dataset', 'mnist', '--batch', '32', '--train-limit', '256', '--eval-n', '64',
        '--warmup', '0.5', '--ema', '0.9', '--threads', '1']


def train(args, world=1):
    env = {**os.environ, 'PYTHONPATH': str(ROOT / 'pytorch')}
    launcher = [sys.executable, '-m', 'hvae_torch.launch', '--nproc', str(world), '--port', '29517'] if world > 1 else [sys.executable, '-m', 'hvae_torch']
    r = subprocess.run([*launcher, 'train', *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    return r


def weights(run):
    return load_checkpoint(run)[1]


def test_schedule_holds_then_anneals_free_bits_and_warms_up_beta():
    s = {'freeBits': 2, 'freeBitsHoldEpochs': 3, 'freeBitsAnnealEpochs': 2, 'warmupEpochs': 0.5, 'stepsPer': 'step'}
    assert schedule_at(s, 0.25) == (2, 0.5)
    assert schedule_at(s, 4) == (1.0, 1.0)
    assert schedule_at(s, 6) == (0.0, 1.0)
    per_epoch = {**s, 'stepsPer': 'epoch', 'warmupEpochs': 2}
    assert schedule_at(per_epoch, 0.9) == (2, 0.5)


def test_element_free_bits_floor_each_element_at_lambda_over_its_channels():
    conv = torch.tensor([[[[0.0]], [[1.0]]]])  # one example, 2 channels, 1x1
    dense = torch.tensor([[0.1, 0.2, 3.0, 0.0]])  # 4 units
    # conv: max(0, 1) + max(1, 1) = 2; dense: 0.5 + 0.5 + 3 + 0.5 = 4.5
    assert float(element_free_bits([conv, dense], 2.0)) == pytest.approx(6.5)


def test_selection_reads_the_largest_of_the_listed_scores():
    aurocs = {'LLR>1': 0.8, 'LLR>2': 0.9, 'LLR>3': 0.95}
    assert selection_value(aurocs, 'LLR>1') == (0.8, 'LLR>1')
    assert selection_value(aurocs, 'LLR>1,LLR>2') == (0.9, 'LLR>2')
    assert selection_value({'LLR>1': 0.9, 'LLR>2': 0.9}, 'LLR>2,LLR>1') == (0.9, 'LLR>2')
    assert selection_value(aurocs, 'LLR>4') == (None, None)


def test_a_select_the_shell_cut_at_its_redirection_is_refused(tmp_path):
    # `--select LLR>1,LLR>2` unquoted reaches the engine as `--select LLR`.
    with pytest.raises(SystemExit, match='quote them'):
        settings_from(parse([*TINY, '--epochs', '1', '--select', 'LLR', '--run', str(tmp_path / 'r')]))
    assert settings_from(parse([*TINY, '--epochs', '1', '--select', 'LLR>1,LLR>2']))['select'] == 'LLR>1,LLR>2'


def test_a_resumed_run_equals_an_uninterrupted_one(tmp_path):
    train([*TINY, '--epochs', '2', '--run', str(tmp_path / 'a')])
    # Stop after the first batch (a deadline already passed), then resume twice to the end.
    train([*TINY, '--epochs', '2', '--minutes', '1e-9', '--run', str(tmp_path / 'b')])
    state = json.loads((tmp_path / 'b' / 'checkpoint' / 'state.json').read_text())
    assert state['loop'] == {**state['loop'], 'epoch': 0, 'batch': 1, 'step': 1}
    train([*TINY, '--epochs', '1', '--resume', '--run', str(tmp_path / 'b')])
    train([*TINY, '--epochs', '2', '--resume', '--run', str(tmp_path / 'b')])
    a, b = weights(tmp_path / 'a'), weights(tmp_path / 'b')
    for n in a:
        assert np.array_equal(a[n], b[n]), n
    logs = [[json.loads(l) for l in (tmp_path / r / 'log.jsonl').read_text().splitlines()] for r in 'ab']
    assert [l['epoch'] for l in logs[1]] == [1, 2]
    assert logs[0][1]['ood_val_auroc'] == logs[1][1]['ood_val_auroc']
    assert (tmp_path / 'b' / 'best' / 'selection.json').exists()


def test_two_processes_give_the_losses_and_weights_of_one(tmp_path):
    one = train([*TINY, '--epochs', '1', '--run', str(tmp_path / 'one')])
    two = train([*TINY, '--epochs', '1', '--threads', '1', '--run', str(tmp_path / 'two')], world=2)
    assert '2 processes' in two.stderr, two.stderr[-500:]
    l1, l2 = (json.loads((tmp_path / r / 'log.jsonl').read_text().splitlines()[0]) for r in ('one', 'two'))
    assert l2['processes'] == 2
    assert l1['train_loss'] == pytest.approx(l2['train_loss'], rel=1e-4)
    for n, a in weights(tmp_path / 'one').items():
        # A weight-normalised kernel of one element per unit has a gradient of pure round-off, which
        # Adam scales up to full steps (see test_parity.py): its direction is fixed either way.
        if n.endswith('/v') and np.prod(a.shape[:-1]) == 1:
            continue
        b = weights(tmp_path / 'two')[n]
        assert np.linalg.norm(a - b) <= 1e-4 * max(np.linalg.norm(a), 1e-3), n


def test_a_nan_loss_stops_training_and_keeps_the_checkpoint(tmp_path):
    train([*TINY, '--epochs', '1', '--run', str(tmp_path / 'r')])
    before = weights(tmp_path / 'r')
    # A run that diverges: the same checkpoint with a learning rate that sends the weights to infinity.
    state_path = tmp_path / 'r' / 'checkpoint' / 'state.json'
    state = json.loads(state_path.read_text())
    state['settings']['lr'] = 1e30
    state_path.write_text(json.dumps(state))
    env = {**os.environ, 'PYTHONPATH': str(ROOT / 'pytorch')}
    r = subprocess.run([sys.executable, '-m', 'hvae_torch', 'train', *TINY, '--epochs', '2', '--resume',
                        '--run', str(tmp_path / 'r')], cwd=ROOT, env=env, capture_output=True, text=True)
    assert r.returncode != 0
    assert 'The last good checkpoint' in r.stderr, r.stderr[-1000:]
    after = weights(tmp_path / 'r')
    assert all(np.array_equal(before[n], after[n]) for n in before)
