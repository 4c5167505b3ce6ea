import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / 'pytorch'))
from hvae_torch.runtime import keep_freed_memory  # noqa: E402 (after the path it is found on)

torch.set_flush_denormal(True)
keep_freed_memory()


@pytest.fixture(scope='session')
def ts_fixture(tmp_path_factory):
    """Runs the TypeScript library (src/cli/parityFixture.ts) now, so the comparison is with its current code."""
    out = tmp_path_factory.mktemp('parity')
    subprocess.run(['node', '--import', 'tsx', 'src/cli/parityFixture.ts', str(out)], cwd=ROOT, check=True)
    return out, json.loads((out / 'index.json').read_text())
