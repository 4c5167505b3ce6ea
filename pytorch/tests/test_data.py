"""The engine draws the same data streams as the TypeScript code."""
import numpy as np

from hvae_torch import data
from hvae_torch.weights_io import decode


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
