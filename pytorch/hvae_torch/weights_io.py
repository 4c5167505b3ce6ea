"""The app's weights format (src/hvae/modelJson.ts, src/cli/checkpoint.ts) read and written by the
engine: model.json (format, config, meta, manifest) + weights.bin (little-endian float32 in manifest
order), and training checkpoints (the same folder plus adam.bin, ema.bin, state.json) that
`npm run train --resume` and this engine both continue."""
import json
import os
import shutil
from pathlib import Path

import numpy as np
import torch

from .config import validate_config

MODEL_FORMAT = 'hvae-ood/1'
WEIGHTS_FILE = 'weights.bin'
# tfjs names optimizer slots after process-wide variable names; the engine writes the first model's prefix.
TFJS_PREFIX = 'hvae0/'


class WeightsError(Exception):
    pass


def write_atomic(path, data):
    path = Path(path)
    tmp = path.with_name(f'{path.name}.tmp-{os.getpid()}')
    tmp.write_bytes(data if isinstance(data, bytes) else data.encode())
    os.replace(tmp, path)


def encode(named):
    """[(name, tensor)] -> (specs, bytes) in the given order."""
    specs, parts = [], []
    for name, t in named:
        a = t.detach().to('cpu', torch.float32).contiguous().numpy()
        specs.append({'name': name, 'shape': list(a.shape), 'dtype': 'float32'})
        parts.append(a.astype('<f4').tobytes())
    return specs, b''.join(parts)


def decode(specs, data, what='weights'):
    """bytes -> {name: float32 array}; rejects truncated or oversized data and non-finite values."""
    expected = sum(int(np.prod(s['shape'])) for s in specs) * 4
    if len(data) < expected:
        raise WeightsError(f'{what}: file is truncated ({len(data)} bytes, the manifest needs {expected})')
    if len(data) > expected:
        raise WeightsError(f'{what}: file has {len(data) - expected} bytes more than the manifest describes')
    out, off = {}, 0
    for s in specs:
        if s.get('dtype') != 'float32':
            raise WeightsError(f'{what}: tensor {s["name"]} has unsupported dtype {s.get("dtype")}')
        n = int(np.prod(s['shape']))
        a = np.frombuffer(data, dtype='<f4', count=n, offset=off).reshape(s['shape'])
        off += n * 4
        if not np.isfinite(a).all():
            raise WeightsError(f'{what}: tensor {s["name"]} contains NaN or Inf (index {int(np.argmin(np.isfinite(a).reshape(-1)))})')
        out[s['name']] = a
    return out


def parse_model_json(text):
    try:
        j = json.loads(text)
    except json.JSONDecodeError as e:
        raise WeightsError(f'model.json is not valid JSON ({e})')
    if not isinstance(j, dict) or j.get('format') != MODEL_FORMAT:
        raise WeightsError(f'not an HVAE model file (expected format "{MODEL_FORMAT}")')
    manifest = j.get('weightsManifest')
    if not isinstance(manifest, list) or len(manifest) != 1 or not isinstance(manifest[0].get('weights'), list):
        raise WeightsError('model.json has no single weights manifest')
    j['config'] = validate_config(j.get('config'))
    j.setdefault('meta', {})
    return j


def assign_weights(model, values):
    params = model.named_weights()
    missing = [n for n in params if n not in values]
    if missing:
        raise WeightsError(f'weights are missing {len(missing)} tensor(s), e.g. {", ".join(missing[:3])}')
    extra = [n for n in values if n not in params]
    if extra:
        raise WeightsError(f'weights have {len(extra)} unknown tensor(s), e.g. {", ".join(extra[:3])}')
    for n, p in params.items():
        if list(values[n].shape) != list(p.shape):
            raise WeightsError(f'tensor {n} has shape {list(values[n].shape)} but the model expects {list(p.shape)}')
    with torch.no_grad():
        for n, p in params.items():
            p.copy_(torch.from_numpy(np.array(values[n])))


def read_model_dir(folder):
    """(json, {name: array}) of a model folder."""
    folder = Path(folder)
    try:
        j = parse_model_json((folder / 'model.json').read_text())
    except FileNotFoundError:
        raise WeightsError(f'no model.json in {folder}')
    shard = folder / j['weightsManifest'][0]['paths'][0]
    if not shard.exists():
        raise WeightsError(f'model.json names {shard.name}, which is missing in {folder}')
    return j, decode(j['weightsManifest'][0]['weights'], shard.read_bytes())


def load_model(folder, device='cpu'):
    from .create_model import create_model
    j, values = read_model_dir(folder)
    model = create_model(j['config'])
    assign_weights(model, values)
    return model.to(device), j


def save_model_dir(folder, model, meta, weights=None):
    """Writes model.json and weights.bin; `weights` ({name: tensor}) replaces the model's own (e.g. the EMA)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    named = [(n, (weights or {}).get(n, p)) for n, p in model.named_weights().items()]
    specs, data = encode(named)
    write_atomic(folder / WEIGHTS_FILE, data)
    j = {'format': MODEL_FORMAT, 'config': model.config, 'meta': meta, 'weightsManifest': [{'paths': [WEIGHTS_FILE], 'weights': specs}]}
    write_atomic(folder / 'model.json', json.dumps(j, indent=1))


CKPT, CKPT_NEW = 'checkpoint', 'checkpoint.new'


def has_checkpoint(run):
    run = Path(run)
    return (run / CKPT / 'state.json').exists() or (run / CKPT_NEW / 'state.json').exists()


def save_checkpoint(run, model, optimizer_state, ema, loop, settings):
    """A complete checkpoint in a fresh folder, swapped in: a kill at any moment leaves one whole checkpoint.
    optimizer_state: (iterations, [m per parameter], [v per parameter]) in the model's parameter order."""
    run = Path(run)
    new = run / CKPT_NEW
    shutil.rmtree(new, ignore_errors=True)
    new.mkdir(parents=True)
    save_model_dir(new, model, {'checkpoint': True})
    names = list(model.named_weights())
    iterations, ms, vs = optimizer_state
    adam = [('iter', torch.tensor(float(iterations)))]
    adam += [(f'{TFJS_PREFIX}{n}/m', m) for n, m in zip(names, ms)]
    adam += [(f'{TFJS_PREFIX}{n}/v', v) for n, v in zip(names, vs)]
    adam_specs, adam_data = encode(adam)
    write_atomic(new / 'adam.bin', adam_data)
    ema_specs = None
    if ema is not None:
        ema_specs, ema_data = encode([(n, ema[n]) for n in names])
        write_atomic(new / 'ema.bin', ema_data)
    state = {'loop': loop, 'settings': settings, 'adam': adam_specs, 'ema': ema_specs}
    write_atomic(new / 'state.json', json.dumps(state, indent=1))
    shutil.rmtree(run / CKPT, ignore_errors=True)
    os.replace(new, run / CKPT)


def load_checkpoint(run):
    """(json, weights, state, iterations, m, v, ema) of the newest complete checkpoint; m, v, ema by parameter name."""
    run = Path(run)
    folder = run / CKPT if (run / CKPT / 'state.json').exists() else run / CKPT_NEW
    state = json.loads((folder / 'state.json').read_text())
    j, weights = read_model_dir(folder)
    adam = decode(state['adam'], (folder / 'adam.bin').read_bytes(), 'optimizer state')
    names = [s['name'] for s in state['adam'] if s['name'] != 'iter']
    half = len(names) // 2
    # Slots are kept by position in the model's variable order (tfjs's Adam does the same).
    param_names = [s['name'] for s in j['weightsManifest'][0]['weights']]
    if half != len(param_names):
        raise WeightsError(f'optimizer state has {half} slots for {len(param_names)} parameters')
    m = {p: adam[n] for p, n in zip(param_names, names[:half])}
    v = {p: adam[n] for p, n in zip(param_names, names[half:])}
    ema = decode(state['ema'], (folder / 'ema.bin').read_bytes(), 'EMA weights') if state.get('ema') else None
    return j, weights, state, int(adam['iter']), m, v, ema
