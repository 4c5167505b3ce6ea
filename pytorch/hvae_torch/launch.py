"""python -m hvae_torch.launch --nproc N train ...: N local processes with the environment torchrun
sets (RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT). For one machine where torchrun
itself cannot start: Debian's PyTorch 1.13 under Python 3.11 fails parsing torchrun's own
--redirects default. On GPU machines and clusters use torchrun."""
import argparse
import os
import subprocess
import sys


def main():
    p = argparse.ArgumentParser(prog='python -m hvae_torch.launch')
    p.add_argument('--nproc', type=int, required=True)
    p.add_argument('--port', type=int, default=29500)
    p.add_argument('command', nargs=argparse.REMAINDER, help='hvae_torch command and its options, e.g. train --config ...')
    a = p.parse_args()
    procs = []
    for rank in range(a.nproc):
        env = {**os.environ, 'RANK': str(rank), 'LOCAL_RANK': str(rank), 'WORLD_SIZE': str(a.nproc),
               'LOCAL_WORLD_SIZE': str(a.nproc), 'MASTER_ADDR': '127.0.0.1', 'MASTER_PORT': str(a.port)}
        procs.append(subprocess.Popen([sys.executable, '-m', 'hvae_torch', *a.command], env=env))
    codes = [proc.wait() for proc in procs]
    return max(codes, key=abs)


if __name__ == '__main__':
    sys.exit(main())
