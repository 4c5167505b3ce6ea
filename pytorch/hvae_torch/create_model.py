"""The one place that turns a configuration into a model (src/hvae/createModel.ts)."""
from .biva import Biva
from .model import Hvae


def create_model(config, seed=0):
    return Biva(config, seed) if config.get('model') == 'biva' else Hvae(config, seed)
