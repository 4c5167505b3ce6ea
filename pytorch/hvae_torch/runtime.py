"""Devices, threads and numeric modes of the engine."""
import contextlib
import os

import torch


def pick_device(name, local_rank=0):
    if name == 'cuda' or (name == 'auto' and torch.cuda.is_available()):
        if not torch.cuda.is_available():
            raise SystemExit('--device cuda: PyTorch sees no CUDA device here')
        torch.cuda.set_device(local_rank)
        return torch.device('cuda', local_rank)
    return torch.device('cpu')


def setup_threads(threads, processes, device):
    """Flushes denormals (the paper's code trains 19 times slower here without) and sets the CPU threads."""
    torch.set_flush_denormal(True)
    if device.type == 'cuda':
        torch.backends.cudnn.benchmark = True
        return torch.get_num_threads()
    n = threads or max(1, (os.cpu_count() or 1) // processes)
    torch.set_num_threads(n)
    return n


def autocast_factory(device, bf16):
    """A context manager factory: bfloat16 autocast when asked, else nothing."""
    if not bf16:
        return contextlib.nullcontext
    return lambda: torch.autocast(device_type=device.type, dtype=torch.bfloat16)


def engine_name(device, bf16=False, channels_last=False):
    where = torch.cuda.get_device_name(device) if device.type == 'cuda' else 'cpu'
    extras = ''.join([' bf16' if bf16 else '', ' channels-last' if channels_last else ''])
    return f'pytorch {torch.__version__} {where}{extras}'
