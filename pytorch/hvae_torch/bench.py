"""python -m hvae_torch bench [--configs small-grey-ref,paper-grey] [--batch 128] [--seconds 30] [--modes fp32,channels-last,bf16] [--score] [--regret]

Training, scoring and likelihood-regret throughput of this engine, one JSON line per (config,
mode), on FashionMNIST training images binarised as training binarises them. Training: the step
of `train` (forward, free bits, backward, Adam, EMA) after 3 warm-up steps. Scoring: the ELBO and
every L>k at S = 1, as `eval` computes them. Regret: its two parts apart, the refit of the batch's
images together (image-steps/s) and the per-image ELBOs of 100 samples (images/s), and the
images/s of the whole (100 steps and two ELBOs per image) that they imply."""
import argparse
import json
import time

import torch

from . import data
from .bounds import score_images
from .config import config_by_name
from .create_model import create_model
from .likelihood_regret import REGRET_SAMPLES, XIAO_REFIT, mean_log_weight, refit
from .runtime import autocast_factory, engine_name, exact_float32, pick_device, setup_threads
from .train import BatchNoise
from .training import Trainer, loss_terms


def parse(argv):
    p = argparse.ArgumentParser(prog='python -m hvae_torch bench', description=__doc__.split('\n\n')[0])
    p.add_argument('--configs', default='small-grey-ref,paper-grey')
    p.add_argument('--batch', type=int, default=128)
    p.add_argument('--seconds', type=float, default=30, help='timed seconds per measurement')
    p.add_argument('--modes', default='fp32', help='comma-separated: fp32, channels-last, bf16')
    p.add_argument('--device', default='auto', choices=['auto', 'cpu', 'cuda'])
    p.add_argument('--threads', type=int, default=0)
    p.add_argument('--score', action='store_true', help='also measure scoring')
    p.add_argument('--regret', action='store_true', help='also measure likelihood regret (the refit and the ELBOs apart)')
    return p.parse_args(argv)


def timed(fn, seconds, sync):
    for _ in range(3):
        fn()
    sync()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds or n < 3:
        fn()
        n += 1
    sync()
    return n, time.perf_counter() - t0


def main(argv):
    a = parse(argv)
    device = pick_device(a.device)
    threads = setup_threads(a.threads, 1, device)
    sync = torch.cuda.synchronize if device.type == 'cuda' else (lambda: None)
    images = data.load_images('fashionmnist', 'train')[:4096]
    for name in a.configs.split(','):
        for mode in a.modes.split(','):
            torch.manual_seed(0)
            model = create_model(config_by_name(name), 1)
            model.initialize(torch.from_numpy(data.binarize(images[:256], 1)).reshape(-1, 28, 28, 1).permute(0, 3, 1, 2), 1)
            model.to(device)
            channels_last = mode == 'channels-last'
            if channels_last:
                model.to(memory_format=torch.channels_last)
            autocast = autocast_factory(device, mode == 'bf16')
            trainer = Trainer(model, 3e-4, 0.999)
            x = torch.from_numpy(data.binarize(images[:a.batch], 5)).reshape(-1, 28, 28, 1).permute(0, 3, 1, 2).contiguous().to(device)
            if channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            step = {'i': 0}

            def train_step():
                with autocast():
                    loss, stats = loss_terms(model, x, 1.0, 2.0, 'element', BatchNoise(1, step['i'], 0, 1, device))
                trainer.step(loss.float(), stats.float())
                step['i'] += 1
            n, t = timed(train_step, a.seconds, sync)
            row = {'engine': engine_name(device, mode == 'bf16', channels_last), 'config': name, 'parameters': model.num_params(),
                   'batch': a.batch, 'threads': threads, 'train_images_per_second': round(n * a.batch / t, 1), 'train_steps': n}
            model.eval()
            steps = 2  # of each timed refit
            # As eval and regret run: in float32 (training above kept PyTorch's defaults).
            with exact_float32():
                if a.score:
                    xs = data.binarize(images[:a.batch], 6)
                    n, t = timed(lambda: score_images(model, xs, 1, batch_size=a.batch, device=device, autocast=autocast), a.seconds, sync)
                    row['score_images_per_second'] = round(n * a.batch / t, 1)
                if a.regret:
                    n, t = timed(lambda: refit(model, x, steps, XIAO_REFIT['learning_rate']), a.seconds, sync)
                    refit_rate = n * steps * a.batch / t
                    n, t = timed(lambda: [mean_log_weight(model, x[i:i + 1], REGRET_SAMPLES, i) for i in range(a.batch)], a.seconds, sync)
                    elbo_rate = n * a.batch / t
                    row.update({'regret_refit_image_steps_per_second': round(refit_rate, 1), 'regret_elbo_images_per_second': round(elbo_rate, 1),
                                'regret_images_per_second': round(1 / (XIAO_REFIT['steps'] / refit_rate + 2 / elbo_rate), 2)})
            if a.regret and device.type == 'cuda':
                # What the refit would gain from TF32 convolutions (PyTorch's default, which the engine turns off).
                n, t = timed(lambda: refit(model, x, steps, XIAO_REFIT['learning_rate']), a.seconds, sync)
                row['regret_refit_tf32_image_steps_per_second'] = round(n * steps * a.batch / t, 1)
            print(json.dumps(row), flush=True)
    return 0
