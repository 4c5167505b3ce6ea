"""Devices, threads and numeric modes of the engine."""
import contextlib
import ctypes
import os
import sys

import torch


def pick_device(name, local_rank=0):
    if name == 'cuda' or (name == 'auto' and torch.cuda.is_available()):
        if not torch.cuda.is_available():
            raise SystemExit('--device cuda: PyTorch sees no CUDA device here')
        torch.cuda.set_device(local_rank)
        return torch.device('cuda', local_rank)
    return torch.device('cpu')


def keep_freed_memory():
    """glibc hands large freed blocks back to the kernel at once, so each batch of an evaluation maps
    and zeroes its activations afresh. Kept for reuse, scoring 1,000 images in batches of 250 took
    7.0 s instead of 14.2 s here (biva-fashionmnist, L>0 and L>2, 2 threads; 4.6 s of it in the
    kernel before, 0.8 s after). Training's batches of 128 ran at the same speed either way."""
    if not sys.platform.startswith('linux'):
        return
    try:
        libc = ctypes.CDLL('libc.so.6')
    except OSError:
        return  # not glibc (e.g. musl): its allocator has no such knobs
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
    libc.mallopt(m_mmap_threshold, 32 << 20)
    libc.mallopt(m_trim_threshold, 1 << 30)
    libc.mallopt(m_top_pad, 256 << 20)


def setup_threads(threads, processes, device):
    """Flushes denormals (the paper's code trains 19 times slower here without), keeps freed memory
    for reuse and sets the CPU threads."""
    torch.set_flush_denormal(True)
    keep_freed_memory()
    if device.type == 'cuda':
        torch.backends.cudnn.benchmark = True
        return torch.get_num_threads()
    n = threads or max(1, (os.cpu_count() or 1) // processes)
    torch.set_num_threads(n)
    return n


@contextlib.contextmanager
def exact_float32():
    """Scores in float32 on a GPU too: PyTorch lets cuDNN round convolution inputs to TF32 (10-bit
    mantissas) unless told not to, and eval files from either engine must measure the same bound.
    Training keeps PyTorch's defaults."""
    kept = torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = False
    try:
        yield
    finally:
        torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = kept


def autocast_factory(device, bf16):
    """A context manager factory: bfloat16 autocast when asked, else nothing."""
    if not bf16:
        return contextlib.nullcontext
    return lambda: torch.autocast(device_type=device.type, dtype=torch.bfloat16)


def engine_name(device, bf16=False, channels_last=False):
    where = torch.cuda.get_device_name(device) if device.type == 'cuda' else 'cpu'
    extras = ''.join([' bf16' if bf16 else '', ' channels-last' if channels_last else ''])
    return f'pytorch {torch.__version__} {where}{extras}'


def engines_of(partial, engine):
    """The engines that computed a resumable partial file, `engine` added: the file they finish names
    them all (a GPU's partial finished on a CPU, say)."""
    engines = partial.setdefault('engines', [])
    if engine not in engines:
        engines.append(engine)
    return engines
