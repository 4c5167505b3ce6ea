"""python -m hvae_torch train --config <name> --dataset fashionmnist|mnist --epochs N [--resume]

Trains the model of src/hvae on this engine with everything `npm run train` has: dynamic
binarisation and batch order drawn as there, free bits per element held then annealed, KL warm-up,
Adam, clipping, an EMA of the weights, seeded noise, a checkpoint in the app's format every epoch
and on Ctrl-C (either trainer resumes the other's), log.jsonl lines in the same format. Each epoch
scores both the raw and the averaged weights on the validation sets and keeps the best by the
run's rule in <run>/best/. One GPU with --device cuda; N GPUs (or N CPU processes) with torchrun,
which splits each batch into N equal shards (DistributedDataParallel)."""
import argparse
import json
import math
import os
import re
import signal
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist

from . import data
from .bounds import bits_per_dim, score_images
from .config import config_by_name
from .metrics import auroc_by_score
from .create_model import create_model
from .progress import Progress, format_seconds
from .runtime import autocast_factory, engine_name, pick_device, setup_threads
from .training import NonFiniteLossError, Trainer, loss_terms, schedule_at
from .weights_io import assign_weights, has_checkpoint, load_checkpoint, read_model_dir, save_checkpoint, save_model_dir, write_atomic


def parse(argv):
    p = argparse.ArgumentParser(prog='python -m hvae_torch train', description=__doc__.split('\n\n')[0])
    p.add_argument('--config', help='configuration name in src/hvae/configs.json (not needed with --resume or --from)')
    p.add_argument('--dataset', choices=['fashionmnist', 'mnist'])
    p.add_argument('--epochs', type=int, required=True, help='total epochs of the run (a resumed run may raise it)')
    p.add_argument('--from', dest='start_from', help='model folder to start from (fine-tune a shipped model)')
    p.add_argument('--batch', type=int, default=128)
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--ema', type=float, default=0.999)
    p.add_argument('--clip', type=float, default=0.0)
    p.add_argument('--adam-epsilon', type=float, default=1e-8)
    p.add_argument('--free-bits', type=float, default=2.0)
    p.add_argument('--free-bits-per', choices=['element', 'layer'], default='element')
    p.add_argument('--free-bits-hold', type=float)
    p.add_argument('--free-bits-anneal', type=float)
    p.add_argument('--warmup', type=float, default=0.0)
    p.add_argument('--schedule-steps', choices=['step', 'epoch'], default='step')
    p.add_argument('--eval-n', type=int, default=1000, help='validation images of each set scored per epoch')
    p.add_argument('--val-split', choices=['train', 'test'], default='train',
                   help='in-distribution validation: the last eval-n images of the train split, held out of training (train), '
                        'or the first of the test split (test; what npm run train does)')
    p.add_argument('--ood-val', help='OOD validation set (its train split; default: the other dataset)')
    p.add_argument('--select', default='LLR>1', help='the validation AUROC that chooses <run>/best/ (written before training); '
                   'a comma-separated list takes the largest of them, e.g. LLR>1,LLR>2')
    p.add_argument('--train-limit', type=int, default=0)
    p.add_argument('--run', help='run folder (default runs/<config>-<dataset>)')
    p.add_argument('--resume', action='store_true')
    p.add_argument('--minutes', type=float, default=0, help='stop after this many minutes of training, with a checkpoint')
    p.add_argument('--device', default='auto', choices=['auto', 'cpu', 'cuda'])
    p.add_argument('--threads', type=int, default=0, help='CPU threads per process (default: the cores, divided among processes)')
    p.add_argument('--channels-last', action='store_true', help='channels-last memory format')
    p.add_argument('--bf16', action='store_true', help='bfloat16 autocast (CPU with bf16 units, or GPU)')
    return p.parse_args(argv)


def settings_from(a):
    if not a.config or not a.dataset:
        raise SystemExit('--config and --dataset are required for a new run')
    if not all(re.fullmatch(r'(LLR|L)>\d+', name) for name in a.select.split(',')):
        raise SystemExit(f'--select {a.select!r}: expected scores such as LLR>1 or LLR>1,LLR>2 '
                         "(quote them, --select 'LLR>1': unquoted, the shell reads > as a redirection)")
    return {
        'config': a.config, 'dataset': a.dataset, 'epochs': a.epochs, 'batch': a.batch, 'lr': a.lr, 'seed': a.seed,
        'ema': a.ema, 'clip': a.clip, 'adamEpsilon': a.adam_epsilon,
        'schedule': {
            'freeBits': a.free_bits, 'freeBitsPer': a.free_bits_per,
            'freeBitsHoldEpochs': a.free_bits_hold if a.free_bits_hold is not None else math.ceil(a.epochs / 2),
            'freeBitsAnnealEpochs': a.free_bits_anneal if a.free_bits_anneal is not None else a.epochs // 2,
            'warmupEpochs': a.warmup, 'stepsPer': a.schedule_steps,
        },
        'evalN': a.eval_n, 'valSplit': a.val_split,
        'oodVal': a.ood_val or ('fashionmnist' if a.dataset == 'mnist' else 'mnist'),
        'select': a.select, 'trainLimit': a.train_limit,
    }


class BatchNoise:
    """The noise of one step, drawn for the whole global batch from (seed, step) and cut to this
    process's rows: N processes draw exactly what one process draws for the same batch."""

    def __init__(self, seed, step, rank, world, device):
        self.generator = torch.Generator(device=device).manual_seed((seed * 1_000_003 + step) & 0x7FFFFFFFFFFFFFFF)
        self.rank, self.world, self.device = rank, world, device

    def __call__(self, shape):
        n = shape[0]
        full = torch.randn((n * self.world, *shape[1:]), generator=self.generator, device=self.device)
        return full[self.rank * n:(self.rank + 1) * n]


class LossModule(torch.nn.Module):
    """The model's loss as a forward pass, the form DistributedDataParallel wraps."""

    def __init__(self, core):
        super().__init__()
        self.core = core

    def forward(self, x, beta, free_bits, per, noise):
        return loss_terms(self.core, x, beta, free_bits, per, noise)


def to_nchw(batch, device, channels_last):
    x = torch.from_numpy(batch).reshape(-1, 28, 28, 1).permute(0, 3, 1, 2).contiguous().to(device)
    return x.contiguous(memory_format=torch.channels_last) if channels_last else x


def validate(model, val_in, val_ood, device, autocast):
    model.eval()
    s_in = score_images(model, val_in, 1, seed=7, device=device, autocast=autocast)
    s_ood = score_images(model, val_ood, 1, seed=8, device=device, autocast=autocast)
    model.train()
    return s_in, s_ood


def main(argv):
    a = parse(argv)
    world = int(os.environ.get('WORLD_SIZE', '1'))
    rank = int(os.environ.get('RANK', '0'))
    device = pick_device(a.device, int(os.environ.get('LOCAL_RANK', '0')))
    threads = setup_threads(a.threads, world, device)
    if world > 1:
        dist.init_process_group('nccl' if device.type == 'cuda' else 'gloo')
    lead = rank == 0
    log = (lambda *m: print(*m, file=sys.stderr, flush=True)) if lead else (lambda *m: None)

    resumed = None
    if a.resume and a.run and has_checkpoint(a.run):
        resumed = load_checkpoint(a.run)
    if resumed:
        j, weights, state, iterations, m, v, ema = resumed
        settings = {**state['settings'], 'epochs': a.epochs}
        run = Path(a.run)
        loop = state['loop']
        model = create_model(j['config'], settings['seed'])
        assign_weights(model, weights)
        log(f'resuming {run} at epoch {loop["epoch"] + 1}, batch {loop["batch"]} (step {loop["step"]})')
    else:
        settings = settings_from(a)
        run = Path(a.run or f'runs/{settings["config"]}-{settings["dataset"]}')
        if has_checkpoint(run):
            raise SystemExit(f'{run} already has a checkpoint: pass --resume, or --run <other folder>')
        loop = {'epoch': 0, 'batch': 0, 'step': 0, 'elapsedSeconds': 0.0}
        if a.start_from:
            j, weights = read_model_dir(a.start_from)
            settings['config'] = j['config']['name']
            model = create_model(j['config'], settings['seed'])
            assign_weights(model, weights)
        else:
            model = create_model(config_by_name(settings['config']), settings['seed'])
    settings.setdefault('valSplit', 'test')
    settings.setdefault('select', 'LLR>1')
    settings.setdefault('adamEpsilon', 1e-7)
    run.mkdir(parents=True, exist_ok=True)

    train = data.load_images(settings['dataset'], 'train')
    n_val = settings['evalN']
    n_train = len(train) - (n_val if settings['valSplit'] == 'train' else 0)
    if settings['trainLimit'] > 0:
        n_train = min(n_train, settings['trainLimit'])
    val_source = train[len(train) - n_val:] if settings['valSplit'] == 'train' else data.load_images(settings['dataset'], 'test')[:n_val]
    val_in = data.binarize(val_source, 12345)
    val_ood = data.binarize(data.load_images(settings['oodVal'], 'train')[:n_val], 54321)
    B = settings['batch']
    if B % world:
        raise SystemExit(f'batch {B} does not split into {world} equal shards')
    shard = B // world
    n_batches = n_train // B

    if not resumed and not a.start_from:
        model.initialize(torch.from_numpy(data.binarize(train[:256], settings['seed'])).reshape(-1, 28, 28, 1).permute(0, 3, 1, 2), settings['seed'])
    model.to(device)
    if a.channels_last:
        model.to(memory_format=torch.channels_last)
    trainer = Trainer(model, settings['lr'], settings['ema'], settings['clip'], settings['adamEpsilon'])
    if resumed:
        trainer.load_optimizer_state(iterations, m, v)
        trainer.load_ema(ema)
    loss_module = LossModule(model)
    if world > 1:
        # The top latent's map into the stage above (there is none) is in the weights format but unused.
        loss_module = torch.nn.parallel.DistributedDataParallel(loss_module, device_ids=[device.index] if device.type == 'cuda' else None,
                                                                find_unused_parameters=True)
    autocast = autocast_factory(device, a.bf16)

    stop = {'requested': False, 'at': 0.0}

    def on_signal(signum, _frame):
        if stop['requested'] and time.time() - stop['at'] > 1.5 and signum == signal.SIGINT:
            raise SystemExit(130)
        if not stop['requested']:
            log('\nstopping after this batch; saving a checkpoint (Ctrl-C again to abort without saving)')
        stop.update(requested=True, at=time.time())
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    best_path = run / 'best' / 'selection.json'
    best = json.loads(best_path.read_text()) if best_path.exists() else None
    deadline = time.time() + a.minutes * 60 if a.minutes > 0 else None
    engine = engine_name(device, a.bf16, a.channels_last)
    log(f'training {settings["config"]} ({model.num_params()} parameters) on {settings["dataset"]} ({n_train} images, batch {B}) '
        f'for {settings["epochs"]} epochs on {engine}, {world} process{"es" if world > 1 else ""} x {threads} threads')
    model.train()
    while loop['epoch'] < settings['epochs']:
        epoch = loop['epoch']
        order = data.epoch_permutation(n_train, settings['seed'], epoch)
        start_batch = loop['batch']
        progress = Progress(f'epoch {epoch + 1}/{settings["epochs"]}', n_batches * B, 'img', start_batch * B) if lead else None
        sums, count = None, 0
        t0 = time.time()
        for b in range(start_batch, n_batches):
            batch = data.training_batch(train, order, b, B, settings['seed'], epoch)
            x = to_nchw(batch[rank * shard:(rank + 1) * shard], device, a.channels_last)
            free_bits, beta = schedule_at(settings['schedule'], epoch + b / n_batches)
            noise = BatchNoise(settings['seed'], loop['step'], rank, world, device)
            with autocast():
                loss, stats = loss_module(x, beta, free_bits, settings['schedule']['freeBitsPer'], noise)
            if world > 1:
                reduced = torch.cat([loss.detach().reshape(1), stats]).float()
                dist.all_reduce(reduced)
                reduced /= world
            try:
                loss_v, _, st = trainer.step(loss.float(), stats.float())
            except NonFiniteLossError as e:
                if progress:
                    progress.finish()
                raise SystemExit(f'{e} at epoch {epoch + 1}, batch {b}. The last good checkpoint in {run}/checkpoint is kept. '
                                 'Try a lower --lr or --clip 100, then --resume.')
            if world > 1:
                loss_v, st = float(reduced[0]), reduced[1:].tolist()
            loop['step'] += 1
            row = np.array([loss_v, *st])
            sums = row if sums is None else sums + row
            count += 1
            if progress:
                mean = sums / count
                progress.update((b + 1) * B, f'elbo {mean[1]:.1f} kl {"/".join(f"{v:.1f}" for v in mean[3:])}')
            out_of_time = deadline is not None and time.time() > deadline
            if world > 1:
                flag = torch.tensor([1.0 if (stop['requested'] or out_of_time) else 0.0])
                dist.all_reduce(flag)
                halt = flag.item() > 0
            else:
                halt = stop['requested'] or out_of_time
            if halt and b + 1 < n_batches:
                loop['batch'] = b + 1
                loop['elapsedSeconds'] += time.time() - t0
                if progress:
                    progress.finish()
                if lead:
                    save_checkpoint(run, model, trainer.optimizer_state(), trainer.ema_by_name(), loop, settings)
                    log(f'saved checkpoint at epoch {epoch + 1}, batch {b + 1}; resume with --resume --run {run}')
                return finish(world)
        train_seconds = progress.finish() if progress else time.time() - t0
        loop['epoch'] += 1
        loop['batch'] = 0
        if lead:
            t_eval = time.time()
            raw_in, raw_ood = validate(model, val_in, val_ood, device, autocast)
            trainer.swap_ema()
            s_in, s_ood = validate(model, val_in, val_ood, device, autocast)
            trainer.swap_ema()
            eval_seconds = time.time() - t_eval
            loop['elapsedSeconds'] += time.time() - t0
            mean = sums / max(count, 1)
            scores = {'ema': auroc_by_score(s_in, s_ood), 'raw': auroc_by_score(raw_in, raw_ood)}
            free_bits, beta = schedule_at(settings['schedule'], loop['epoch'])
            record = {
                'epoch': loop['epoch'], 'step': loop['step'],
                'train_elbo_nats': mean[1], 'train_bpd': bits_per_dim(mean[1], 784), 'train_loss': mean[0],
                'train_kl_per_layer': list(mean[3:]),
                'test_elbo_nats': float(np.mean(s_in['bounds'][0])), 'test_bpd': bits_per_dim(float(np.mean(s_in['bounds'][0])), 784),
                'test_bounds_nats': [float(np.mean(v)) for v in s_in['bounds']],
                'test_kl_per_layer': [float(np.mean(v)) for v in s_in['kl_per_layer']],
                'test_n': n_val, 'val_in_set': f'{settings["dataset"]}/{settings["valSplit"]}',
                'ood_val_set': f'{settings["oodVal"]}/train',
                'ood_val_auroc': scores['ema'], 'ood_val_auroc_raw': scores['raw'],
                'test_elbo_nats_raw': float(np.mean(raw_in['bounds'][0])),
                'free_bits': free_bits, 'beta': beta, 'seconds_train': train_seconds, 'seconds_eval': eval_seconds,
                'images_per_second': (n_batches - start_batch) * B / train_seconds, 'elapsed_seconds': loop['elapsedSeconds'],
                'backend': engine, 'threads': threads, 'processes': world,
            }
            with open(run / 'log.jsonl', 'a') as f:
                f.write(json.dumps(record) + '\n')
            # The rule fixed before the run: the highest validation AUROC of settings.select, raw or EMA;
            # ties go to the later epoch, then to the EMA.
            for kind in ('raw', 'ema'):
                value, score = selection_value(scores[kind], settings['select'])
                if value is not None and (best is None or value >= best['value']):
                    best = {'epoch': loop['epoch'], 'weights': kind, 'value': value, 'score': score, 'select': settings['select'],
                            'val_in': record['val_in_set'], 'val_ood': record['ood_val_set']}
                    meta = {'dataset': settings['dataset'], 'epoch': loop['epoch'], 'weights': kind, 'run': str(run)}
                    save_model_dir(run / 'best', model, meta, trainer.ema_by_name() if kind == 'ema' else None)
                    write_atomic(best_path, json.dumps(best, indent=1))
            save_checkpoint(run, model, trainer.optimizer_state(), trainer.ema_by_name(), loop, settings)
            log(f'epoch {loop["epoch"]}: train {mean[1]:.2f} nats, val {record["test_elbo_nats"]:.2f} nats ({record["test_bpd"]:.4f} bits/dim), '
                f'KL {"/".join(f"{v:.1f}" for v in record["test_kl_per_layer"])}, AUROC(val) LLR>1 {scores["ema"].get("LLR>1", float("nan")):.3f} '
                f'(raw {scores["raw"].get("LLR>1", float("nan")):.3f}) L>0 {scores["ema"]["L>0"]:.3f}, '
                f'{record["images_per_second"]:.1f} img/s, epoch {format_seconds(train_seconds)}; best {best["weights"]} after epoch {best["epoch"]} ({best["value"]:.3f})')
        if world > 1:
            dist.barrier()
        if stop['requested'] or (deadline is not None and time.time() > deadline):
            break
    return finish(world)


def selection_value(aurocs, select):
    """The AUROC the selection rule reads, and which score gave it: the largest of the comma-separated
    scores in select (ties to the first listed); (None, None) when none was computed."""
    found = [(aurocs[name], name) for name in select.split(',') if aurocs.get(name) is not None]
    if not found:
        return None, None
    return max(found, key=lambda vn: vn[0])


def finish(world):
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()
    return 0
