"""Datasets, seeded random streams and training batches, drawn exactly as the TypeScript code draws
them (src/data): the same mulberry32 stream, binarisation, epoch order and evaluation samples, so
both engines train on the same batches and score the same binarised test images."""
import gzip
import json
import os
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PIXELS = 28 * 28

# The dataset registry, shared with the TypeScript library (src/data/datasets.json, read and checked by
# src/data/datasets.ts): every dataset once, with the named transform or generator that makes it.
DATASETS_JSON = PROJECT_ROOT / 'src' / 'data' / 'datasets.json'


class DatasetMissingError(Exception):
    pass


def mulberry32(seed, count, start=0):
    """Draws start .. start + count - 1 of src/data/random.ts's mulberry32(seed), as float64 in [0, 1).
    Draw n uses the state seed + (n + 1) * 0x6d2b79f5, so the stream vectorises."""
    n = np.arange(start + 1, start + count + 1, dtype=np.uint64)
    state = ((np.uint64(seed & 0xFFFFFFFF) + n * np.uint64(0x6D2B79F5)) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    with np.errstate(over='ignore'):
        t = state
        t = (t ^ (t >> np.uint32(15))) * (t | np.uint32(1))
        t = t ^ (t + (t ^ (t >> np.uint32(7))) * (t | np.uint32(61)))
        t = t ^ (t >> np.uint32(14))
    return t.astype(np.float64) / 4294967296.0


def binarize(images, seed):
    """The Bernoulli binarisation fixed by `seed` (src/data/binarize.ts): pixel i is 1 when draw i < its intensity."""
    flat = np.asarray(images, dtype=np.float32).reshape(-1)
    return (mulberry32(seed, flat.size) < flat.astype(np.float64)).astype(np.float32).reshape(np.shape(images))


def binarization_seed(dataset, split):
    """One fixed seed per (dataset, split): FNV-1a of "dataset/split", as binarizationSeed in TypeScript."""
    h = 2166136261
    for c in f'{dataset}/{split}':
        h = ((h ^ ord(c)) * 16777619) & 0xFFFFFFFF
    return h


def batch_seed(seed, epoch, batch):
    return (seed * 1_000_003 + epoch * 10_007 + batch) & 0xFFFFFFFF


def epoch_permutation(n, seed, epoch):
    """Fisher-Yates shuffle seeded by (seed, epoch), as epochPermutation in src/data/trainingBatches.ts."""
    u = mulberry32(seed * 7919 + epoch, n - 1)
    p = list(range(n))
    for d, i in enumerate(range(n - 1, 0, -1)):
        j = int(u[d] * (i + 1))
        p[i], p[j] = p[j], p[i]
    return np.array(p, dtype=np.int64)


def training_batch(images, order, b, batch_size, seed, epoch):
    """Batch b of an epoch, gathered in the epoch's order and binarised with its own seed: [B, 784] float32."""
    idx = order[b * batch_size:(b + 1) * batch_size]
    return binarize(images[idx], batch_seed(seed, epoch, b))


def sample_indices(n, k, seed):
    """k of 0..n-1 without replacement, ascending: the partial Fisher-Yates of src/ood/protocol.ts."""
    u = mulberry32(seed, k)
    pool = np.arange(n, dtype=np.int64)
    for i in range(k):
        j = i + int(u[i] * (n - i))
        pool[i], pool[j] = pool[j], pool[i]
    return np.sort(pool[:k])


def _flip_vertical(images):
    return np.ascontiguousarray(images.reshape(-1, 28, 28)[:, ::-1, :]).reshape(-1, PIXELS)


# The named transforms and generators of src/data/transforms.ts: float32 [N, 784] in, float32 [N, 784] out.
TRANSFORMS = {
    'invert': lambda images: (np.float32(1) - images).astype(np.float32),
    'flip-vertical': _flip_vertical,
}
GENERATORS = {
    'uniform': lambda count, seed: mulberry32(seed, count * PIXELS).astype(np.float32).reshape(count, PIXELS),
    'bernoulli': lambda count, seed: (mulberry32(seed, count * PIXELS) < 0.5).astype(np.float32).reshape(count, PIXELS),
    'constant': lambda count, seed: np.repeat(mulberry32(seed, count).astype(np.float32)[:, None], PIXELS, axis=1),
}


def _registry():
    """The datasets by name, with the checks of parseRegistry in src/data/datasets.ts that this engine relies on."""
    specs = {}
    for i, d in enumerate(json.loads(DATASETS_JSON.read_text())):
        where = f'{DATASETS_JSON.name}, entry {i} ("{d.get("name")}")'
        if d.get('name') in specs:
            raise ValueError(f'{where}: the name is used twice')
        if d.get('kind') == 'derived' and d.get('transform') not in TRANSFORMS:
            raise ValueError(f'{where}: transform must be one of {", ".join(TRANSFORMS)}')
        if d.get('kind') == 'generated' and d.get('generator') not in GENERATORS:
            raise ValueError(f'{where}: generator must be one of {", ".join(GENERATORS)}')
        if d.get('kind') not in ('files', 'derived', 'generated'):
            raise ValueError(f'{where}: kind must be files, derived or generated')
        specs[d['name']] = d
    return specs


DATASETS = _registry()
DATASET_NAMES = list(DATASETS)


def _read_idx(path):
    raw = path.read_bytes()
    if raw[:2] == b'\x1f\x8b':
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 8:
        raise ValueError(f'{path}: not an IDX file of unsigned bytes')
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], 'big') for i in range(rank)]
    body = raw[4 + 4 * rank:]
    if len(body) != int(np.prod(dims)):
        raise ValueError(f'{path}: dimensions {"x".join(map(str, dims))} need {int(np.prod(dims))} bytes, got {len(body)}')
    return np.frombuffer(body, dtype=np.uint8).reshape(dims)


def load_images(name, split):
    """Images of one split in [0, 1] as float32 [N, 784] (intensity byte / 255 rounded to float32, as in TypeScript)."""
    spec = DATASETS.get(name)
    if spec is None:
        raise DatasetMissingError(f'unknown dataset "{name}"; known: {", ".join(DATASET_NAMES)}')
    if spec['kind'] == 'files':
        folder = Path(os.environ.get(spec['dirEnv']) or spec['dir'])
        if not folder.is_absolute():
            folder = PROJECT_ROOT / folder
        path = folder / spec['files'][split]['images']
        if not path.exists():
            raise DatasetMissingError(f'{name}: data file {path} not found. Install it with: {spec["install"]} (or set {spec["dirEnv"]} to a folder holding the IDX files)')
        data = _read_idx(path).reshape(-1, PIXELS)
        return (data.astype(np.float64) / 255).astype(np.float32)
    if spec['kind'] == 'derived':
        return TRANSFORMS[spec['transform']](load_images(spec['source'], split))
    return GENERATORS[spec['generator']](spec['counts'][split], spec['seeds'][split])
