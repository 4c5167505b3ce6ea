"""The engine draws the same data streams and builds the same datasets as the TypeScript code."""
import json
import subprocess

import numpy as np
import pytest

from conftest import ROOT
from hvae_torch import data
from hvae_torch.weights_io import decode

# Images of each split compared one by one; the rest by count and pixel sum.
FIRST = 100


def test_seeded_streams_equal_the_typescript_ones(ts_fixture):
    ref = ts_fixture[1]['data']
    assert data.mulberry32(12345, 10).tolist() == ref['mulberry32_12345']
    assert data.epoch_permutation(1000, 1, 2).tolist() == ref['epochPermutation_1000_1_2']
    assert data.sample_indices(10000, 50, 20210).tolist() == ref['sampleIndices_10000_50_20210']
    assert data.binarization_seed('mnist', 'test') == ref['binarizationSeed_mnist_test']
    assert data.batch_seed(1, 2, 3) == ref['batchSeed_1_2_3']


def test_binarised_test_images_equal_the_typescript_ones(ts_fixture):
    out, index = ts_fixture
    info = index['tiny-grey']
    x = decode(info['specs'], (out / 'tiny-grey' / 'values.bin').read_bytes())['x']
    mine = data.binarize(data.load_images('fashionmnist', 'test')[:info['n']], data.binarization_seed('fashionmnist', 'test'))
    assert np.array_equal(mine.reshape(x.shape), x)
    assert 0.1 < x.mean() < 0.5


def test_a_permutation_holds_every_index_once():
    p = data.epoch_permutation(500, 3, 0)
    assert sorted(p.tolist()) == list(range(500)) and p.tolist() != list(range(500))


def test_a_missing_dataset_names_its_install_command(monkeypatch, tmp_path):
    monkeypatch.setenv('HVAE_DATA_DIR_FASHIONMNIST', str(tmp_path))
    try:
        data.load_images('fashionmnist', 'test')
    except data.DatasetMissingError as e:
        assert 'apt-get install -y dataset-fashion-mnist' in str(e)
    else:
        raise AssertionError('no error for a missing dataset')


@pytest.fixture(scope='module')
def ts_datasets(tmp_path_factory):
    """Every registered dataset as the TypeScript library builds it now (src/cli/datasetsFixture.ts)."""
    out = tmp_path_factory.mktemp('datasets')
    subprocess.run(['node', '--import', 'tsx', 'src/cli/datasetsFixture.ts', str(out), '--n', str(FIRST)], cwd=ROOT, check=True)
    return out, json.loads((out / 'index.json').read_text())


def test_both_engines_register_the_same_datasets(ts_datasets):
    assert list(ts_datasets[1]) == data.DATASET_NAMES
    assert {'fashionmnist-flipped', 'bernoulli-noise', 'constant', 'letters'} <= set(data.DATASET_NAMES)


@pytest.mark.parametrize('name', data.DATASET_NAMES)
@pytest.mark.parametrize('split', ['train', 'test'])
def test_both_engines_build_the_same_images(ts_datasets, name, split):
    out, index = ts_datasets
    mine = data.load_images(name, split)
    theirs = np.frombuffer((out / f'{name}-{split}.f32').read_bytes(), dtype='<f4').reshape(-1, data.PIXELS)
    assert len(mine) == index[name][split]['count']
    assert np.array_equal(mine[:FIRST], theirs)
    assert float(mine.sum(dtype=np.float64)) == pytest.approx(index[name][split]['sum'], rel=1e-9)
