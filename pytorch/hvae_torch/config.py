"""Model configurations: the same data the TypeScript library reads (src/hvae/configs.json), and
the checks of validateConfig in src/hvae/config.ts for configurations read from model files."""
import json

from .data import PROJECT_ROOT

CONFIGS_JSON = PROJECT_ROOT / 'src' / 'hvae' / 'configs.json'


class ConfigError(Exception):
    pass


def validate_config(raw):
    def fail(why):
        raise ConfigError(f'Invalid model config: {why}')
    if not isinstance(raw, dict):
        fail('not an object')
    if not isinstance(raw.get('name'), str):
        fail('name missing')
    shape = raw.get('inputShape')
    if not isinstance(shape, list) or len(shape) != 3 or not all(isinstance(d, int) and d > 0 for d in shape):
        fail('inputShape must be [height, width, channels]')
    if raw.get('likelihood') != 'bernoulli':
        fail(f'unsupported likelihood {raw.get("likelihood")}')
    stages = raw.get('stages')
    if not isinstance(stages, list) or not stages:
        fail('stages must be a non-empty list')
    for i, s in enumerate(stages):
        if not isinstance(s.get('blocks'), list) or not s['blocks']:
            fail(f'stage {i} has no blocks')
        for b in s['blocks']:
            if not all(isinstance(b.get(f), int) and b[f] > 0 for f in ('channels', 'kernel', 'stride')):
                fail(f'stage {i} has a bad block')
        if not isinstance(s.get('latent'), dict) or s['latent'].get('kind') not in ('conv', 'dense'):
            fail(f'stage {i} latent kind')
    if 'gated' in raw and not isinstance(raw['gated'], bool):
        fail('gated must be true or false')
    if raw.get('model') == 'biva':
        if len(stages) < 2:
            fail('BIVA needs at least two stages')
        for flag in ('skip', 'skipEveryBlock', 'referenceBlocks'):
            if flag in raw:
                fail(f'{flag} is an HVAE option; BIVA always takes every skip')
        return raw
    if raw.get('model', 'hvae') != 'hvae':
        fail(f'unknown model kind {raw.get("model")}')
    for flag in ('skipEveryBlock', 'referenceBlocks'):
        if flag in raw and not isinstance(raw[flag], bool):
            fail(f'{flag} must be true or false')
    return {**raw, 'skip': raw.get('skip') is not False}


def configs():
    return {c['name']: c for c in map(validate_config, json.loads(CONFIGS_JSON.read_text()))}


def config_by_name(name):
    known = configs()
    if name not in known:
        raise ConfigError(f'Unknown config "{name}". Known: {", ".join(known)}')
    return known[name]
