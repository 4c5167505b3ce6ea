"""python -m hvae_torch regret --model models/<name> --files <eval file>[,...] [--steps 100] [--lr 2e-4] [--samples 100]

Adds likelihood regret ("LR", src/hvae/likelihoodRegret.ts) to eval files that exist, on the very
images they scored (their indices, binarised as `npm run eval` binarises them), so that it sits beside
their L>k and LLR>k on the evaluation page and in REPORT.md. Image i of a file measures its ELBOs
with seed 1 + i, as `npm run eval --baselines lr` seeds them. A stopped file resumes from its
.regret-partial file."""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

from . import data
from .likelihood_regret import REGRET_SAMPLES, XIAO_REFIT, likelihood_regret
from .progress import Progress
from .runtime import engine_name, engines_of, exact_float32, pick_device, setup_threads
from .weights_io import load_model, write_atomic

SCORE = 'LR'


def parse(argv):
    p = argparse.ArgumentParser(prog='python -m hvae_torch regret', description=__doc__.split('\n\n')[0])
    p.add_argument('--model', required=True, help='model folder (model.json + weights.bin) whose eval files these are')
    p.add_argument('--files', required=True, help='eval files, comma-separated')
    p.add_argument('--steps', type=int, default=XIAO_REFIT['steps'], help='Adam steps of the refit')
    p.add_argument('--lr', type=float, default=XIAO_REFIT['learning_rate'], help='learning rate of the refit')
    p.add_argument('--samples', type=int, default=REGRET_SAMPLES, help='samples of log w in each ELBO')
    p.add_argument('--batch', type=int, default=50, help='images refitted together')
    p.add_argument('--device', default='auto', choices=['auto', 'cpu', 'cuda'])
    p.add_argument('--threads', type=int, default=0)
    return p.parse_args(argv)


def read_eval_file(path, model_name):
    try:
        f = json.loads(Path(path).read_text())
    except (OSError, ValueError) as e:
        raise SystemExit(f'{path}: not a readable eval file ({e})')
    if not isinstance(f, dict) or not all(k in f for k in ('model', 'dataset', 'split', 'indices', 'scores')):
        raise SystemExit(f'{path}: not an eval file (it needs model, dataset, split, indices and scores)')
    if f['model'] != model_name:
        raise SystemExit(f'{path} holds scores of {f["model"]}, not of {model_name}')
    if f['dataset'] not in data.DATASET_NAMES:
        raise SystemExit(f'{path}: unknown dataset "{f["dataset"]}"')
    return f


def add_regret(model, path, f, settings, batch, device, engine):
    if SCORE in f['scores']:
        print(f'{path} already has {SCORE}; skipping', file=sys.stderr)
        return
    images = data.load_images(f['dataset'], f['split'])
    x_all = data.binarize(images[np.asarray(f['indices'])], data.binarization_seed(f['dataset'], f['split']))
    h, w, c = model.config['inputShape']
    partial_path = Path(f'{path}.regret-partial')
    partial = json.loads(partial_path.read_text()) if partial_path.exists() else {'done': 0, 'settings': settings, SCORE: []}
    if partial['settings'] != settings:
        raise SystemExit(f'{partial_path} was started with {partial["settings"]}, not {settings}: rerun with those, or delete it')
    engines = engines_of(partial, engine)
    progress = Progress(f'{f["dataset"]}/{f["split"]} regret', len(x_all), 'img', partial['done'])
    while partial['done'] < len(x_all):
        start = partial['done']
        x = torch.from_numpy(np.ascontiguousarray(x_all[start:start + batch])).reshape(-1, h, w, c).permute(0, 3, 1, 2).to(device)
        r = likelihood_regret(model, x, settings['steps'], settings['learning_rate'], settings['samples'], seed=1 + start)
        partial[SCORE].extend(np.round(r['regret'], 4).tolist())
        partial['done'] = start + x.shape[0]
        write_atomic(partial_path, json.dumps(partial))
        progress.update(partial['done'])
    seconds = progress.finish()
    f['scores'][SCORE] = partial[SCORE]
    f['likelihood_regret'] = {**settings, 'engine': ' and '.join(engines)}
    write_atomic(Path(path), json.dumps(f))
    partial_path.unlink()
    print(f'{path}: {SCORE} of {len(x_all) - progress.start} images in {seconds:.0f} s', file=sys.stderr)


def main(argv):
    a = parse(argv)
    if a.steps < 0 or a.samples < 1 or a.batch < 1 or not a.lr > 0:
        raise SystemExit('--steps must be >= 0, --samples and --batch >= 1, --lr > 0')
    device = pick_device(a.device)
    setup_threads(a.threads, 1, device)
    model, _ = load_model(a.model, device)
    model.eval()
    name = Path(a.model).resolve().name
    files = [p for p in a.files.split(',') if p]
    opened = [(p, read_eval_file(p, name)) for p in files]
    settings = {'steps': a.steps, 'learning_rate': a.lr, 'samples': a.samples}
    engine = engine_name(device)
    print(f'likelihood regret of {name} on {engine}: {a.steps} Adam steps at {a.lr}, ELBOs of {a.samples} samples', file=sys.stderr)
    with exact_float32():
        for p, f in opened:
            add_regret(model, p, f, settings, a.batch, device, engine)
    return 0
