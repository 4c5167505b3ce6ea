"""Model folders and checkpoints in the app's format: round trips and every way a file can be wrong."""
import json

import numpy as np
import pytest
import torch

from hvae_torch.config import config_by_name
from hvae_torch.create_model import create_model
from hvae_torch.weights_io import WeightsError, load_model, read_model_dir, save_model_dir

ROOT_MODEL = 'models/hvae-fashionmnist'


def test_a_shipped_model_reads_and_writes_back_byte_for_byte(tmp_path):
    from conftest import ROOT
    model, j = load_model(ROOT / ROOT_MODEL)
    save_model_dir(tmp_path, model, j['meta'])
    assert (tmp_path / 'weights.bin').read_bytes() == (ROOT / ROOT_MODEL / 'weights.bin').read_bytes()
    written = json.loads((tmp_path / 'model.json').read_text())
    shipped = json.loads((ROOT / ROOT_MODEL / 'model.json').read_text())
    assert written['weightsManifest'] == shipped['weightsManifest']
    assert written['config'] == {**shipped['config'], 'skip': True}


@pytest.fixture()
def saved(tmp_path):
    model = create_model(config_by_name('tiny-grey'), 3)
    save_model_dir(tmp_path, model, {'dataset': 'mnist'})
    return tmp_path


def test_truncated_weights_are_refused(saved):
    data = (saved / 'weights.bin').read_bytes()
    (saved / 'weights.bin').write_bytes(data[:-8])
    with pytest.raises(WeightsError, match='truncated'):
        read_model_dir(saved)


def test_weights_of_another_shape_are_refused(saved):
    j = json.loads((saved / 'model.json').read_text())
    j['config'] = config_by_name('small2-grey')
    (saved / 'model.json').write_text(json.dumps(j))
    with pytest.raises(WeightsError):
        load_model(saved)


def test_non_finite_weights_are_refused(saved):
    a = np.frombuffer((saved / 'weights.bin').read_bytes(), dtype='<f4').copy()
    a[5] = np.nan
    (saved / 'weights.bin').write_bytes(a.tobytes())
    with pytest.raises(WeightsError, match='NaN'):
        read_model_dir(saved)


def test_not_a_model_file_is_refused(saved):
    (saved / 'model.json').write_text('{"format": "something else"}')
    with pytest.raises(WeightsError, match='not an HVAE model file'):
        read_model_dir(saved)


def test_loaded_weights_are_the_files_values(tmp_path):
    model = create_model(config_by_name('tiny-grey'), 3)
    with torch.no_grad():
        for p in model.named_weights().values():
            p.add_(torch.randn(p.shape))
    save_model_dir(tmp_path, model, {})
    loaded, _ = load_model(tmp_path)
    for (n, a), b in zip(loaded.named_weights().items(), model.named_weights().values()):
        assert torch.equal(a, b), n
