"""The benchmark prints a figure for every part it was asked to measure (no timing is asserted)."""
import json

import pytest

from hvae_torch.bench import main as bench_main


@pytest.mark.parametrize('config', ['tiny-grey', 'biva-tiny-grey'])
def test_bench_prints_training_scoring_and_regret_rates_and_the_regret_rate_they_imply(config, capsys):
    assert bench_main(['--configs', config, '--batch', '2', '--seconds', '0', '--device', 'cpu', '--threads', '1', '--score', '--regret']) == 0
    row = json.loads(capsys.readouterr().out.strip())
    for key in ['train_images_per_second', 'score_images_per_second', 'regret_refit_image_steps_per_second', 'regret_elbo_images_per_second']:
        assert row[key] > 0, key
    # 100 refit steps and two ELBOs per image.
    implied = 1 / (100 / row['regret_refit_image_steps_per_second'] + 2 / row['regret_elbo_images_per_second'])
    assert row['regret_images_per_second'] == pytest.approx(implied, rel=0.05, abs=0.01)
