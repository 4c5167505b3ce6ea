"""python -m hvae_torch eval --model models/<name> [--samples S] [--k 0,1] [--splits d/split,...] [--n N]

Per-example scores as `npm run eval` writes them (the same splits, indices, binarisation and file
format, one JSON per (dataset, split, S) in <model>/eval/), computed by this engine, which each
file names. The files hold no ratio the bounds give: the reader (validateEvalFile in
src/ood/evalFile.ts) derives LLR>k and LLR>k<l from them. A stopped split resumes from its
.partial file. REPORT.md is rewritten by the TypeScript report writer when Node is available
(`npm run report -- --model <dir>` otherwise)."""
import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from . import bounds, data
from .bounds import score_images
from .progress import Progress
from .runtime import autocast_factory, engine_name, engines_of, exact_float32, pick_device, setup_threads
from .weights_io import load_model, write_atomic


def parse(argv):
    p = argparse.ArgumentParser(prog='python -m hvae_torch eval', description=__doc__.split('\n\n')[0])
    p.add_argument('--model', required=True, help='model folder (model.json + weights.bin)')
    p.add_argument('--samples', type=int, default=1, help='importance samples S')
    p.add_argument('--n', type=int, default=10000, help='images per split (all of a smaller split)')
    p.add_argument('--train-n', type=int, help='images of the in-distribution train split (default --n)')
    p.add_argument('--in', dest='in_set', help='in-distribution dataset (default: the one model.json names)')
    p.add_argument('--ood', help='comma-separated OOD datasets (default: the other dataset)')
    p.add_argument('--splits', default='', help='only these dataset/split pairs, comma-separated')
    p.add_argument('--k', help='the L>k to compute, comma-separated, including 0 (default: all)')
    p.add_argument('--l', default='', help='also L<l for these l (Appendix E), which give LLR>k<l = L<l - L>k for every k computed')
    p.add_argument('--eval-dir', help='where to write the files (default <model>/eval)')
    p.add_argument('--batch', type=int, default=0, help='images per pass (default: 250 at S = 1, fewer at larger S)')
    p.add_argument('--device', default='auto', choices=['auto', 'cpu', 'cuda'])
    p.add_argument('--threads', type=int, default=0)
    p.add_argument('--bf16', action='store_true')
    return p.parse_args(argv)


def eval_file_name(dataset, split, samples):
    return f'{dataset}-{split}-S{samples}.json'


def split_indices(count, n, split):
    """All of a split, or the seeded sample `npm run eval` takes (mulberry32(20210 + [split is train]))."""
    return np.arange(count) if n >= count else data.sample_indices(count, n, 20210 + (1 if split == 'train' else 0))


def score_split(model, name, folder, dataset, split, n, samples, ks, ls, device, batch, autocast, engine):
    out = folder / eval_file_name(dataset, split, samples)
    if out.exists():
        print(f'{out.name} exists; skipping (delete it to recompute)', file=sys.stderr)
        return
    images = data.load_images(dataset, split)
    indices = split_indices(len(images), n, split)
    x = data.binarize(images[indices], data.binarization_seed(dataset, split))
    partial_path = out.with_name(out.name + '.partial')
    partial = json.loads(partial_path.read_text()) if partial_path.exists() else {'done': 0, 'scores': {}}
    engines = engines_of(partial, engine)
    chunk = batch or max(10, bounds.MAX_ROWS // max(1, samples // 10))
    progress = Progress(f'{dataset}/{split} S={samples}', len(indices), 'img', partial['done'])
    while partial['done'] < len(indices):
        start = partial['done']
        count = min(chunk, len(indices) - start)
        # Noise seeded by position, so a resumed run gives what an uninterrupted one would.
        s = score_images(model, x[start:start + count], samples, ks, seed=1 + start, batch_size=count, device=device, autocast=autocast, ls=ls)
        for k in ks:
            partial['scores'].setdefault(f'L>{k}', []).extend(np.round(s['bounds'][k], 4).tolist())
        for l in ls:
            partial['scores'].setdefault(f'L<{l}', []).extend(np.round(s['bounds_below'][l], 4).tolist())
        partial['done'] = start + count
        write_atomic(partial_path, json.dumps(partial))
        progress.update(partial['done'])
    seconds = progress.finish()
    f = {'model': name, 'dataset': dataset, 'split': split, 'importance_samples': samples,
         'indices': [int(i) for i in indices], 'scores': partial['scores'], 'engine': ' and '.join(engines)}
    write_atomic(out, json.dumps(f))
    partial_path.unlink(missing_ok=True)
    resumed = f' ({len(indices) - progress.start} scored by this run)' if progress.start else ''
    print(f'{out.name}: {len(indices)} images{resumed}, {seconds:.0f} s', file=sys.stderr)


def main(argv):
    a = parse(argv)
    device = pick_device(a.device)
    setup_threads(a.threads, 1, device)
    model, j = load_model(a.model, device)
    model.eval()
    L = model.num_stages
    ks = sorted({int(k) for k in a.k.split(',')}) if a.k else list(range(L + 1))
    if 0 not in ks or any(k < 0 or k > L for k in ks):
        raise SystemExit(f'--k must list whole numbers in 0..{L} including 0 (the ELBO every LLR>k needs)')
    ls = sorted({int(v) for v in a.l.split(',') if v})
    if any(v < 1 or v > L for v in ls):
        raise SystemExit(f'--l must list whole numbers in 1..{L}')
    in_set = a.in_set or j['meta'].get('dataset')
    if in_set not in data.DATASET_NAMES:
        raise SystemExit(f'{a.model}/model.json names no known training dataset; pass --in fashionmnist or --in mnist')
    oods = [d for d in (a.ood or ('fashionmnist' if in_set == 'mnist' else 'mnist')).split(',') if d]
    for d in oods:
        if d not in data.DATASET_NAMES:
            raise SystemExit(f'unknown OOD dataset "{d}"; known: {", ".join(data.DATASET_NAMES)}')
    folder = Path(a.eval_dir or Path(a.model) / 'eval')
    folder.mkdir(parents=True, exist_ok=True)
    splits = [(in_set, 'test', a.n), (in_set, 'train', a.train_n or a.n), *[(d, 'test', a.n) for d in oods]]
    only = [s for s in a.splits.split(',') if s]
    for o in only:
        if o not in [f'{d}/{s}' for d, s, _ in splits]:
            raise SystemExit(f'--splits: "{o}" is not one of {", ".join(f"{d}/{s}" for d, s, _ in splits)}')
    engine = engine_name(device, a.bf16)
    name = Path(a.model).resolve().name
    print(f'evaluating {name} (trained on {in_set}) with S = {a.samples} on {engine}', file=sys.stderr)
    autocast = autocast_factory(device, a.bf16)
    with exact_float32():
        for d, s, n in splits:
            if not only or f'{d}/{s}' in only:
                score_split(model, name, folder, d, s, n, a.samples, ks, ls, device, a.batch, autocast, engine)
    if folder == Path(a.model) / 'eval' and shutil.which('node'):
        subprocess.run(['node', '--import', 'tsx', 'src/cli/makeReport.ts', '--model', str(a.model)], cwd=data.PROJECT_ROOT, check=False)
    return 0
