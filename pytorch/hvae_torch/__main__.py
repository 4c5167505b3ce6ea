"""python -m hvae_torch <train|eval|regret|bench> ...: the PyTorch engine's commands."""
import sys

COMMANDS = {'train': 'train', 'eval': 'evaluate', 'regret': 'regret', 'bench': 'bench'}


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(f'usage: python -m hvae_torch <{"|".join(COMMANDS)}> [options]  (--help after a command lists its options)', file=sys.stderr)
        return 2
    import importlib
    module = importlib.import_module(f'hvae_torch.{COMMANDS[sys.argv[1]]}')
    from .data import DatasetMissingError
    from .weights_io import WeightsError
    from .config import ConfigError
    try:
        return module.main(sys.argv[2:])
    except (DatasetMissingError, WeightsError, ConfigError) as e:
        print(f'{type(e).__name__}: {e}', file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main())
