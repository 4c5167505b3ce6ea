/** The one place that turns a configuration into a model: callers never name a model class. */
import type { ModelConfig } from './config.ts';
import { Biva } from './biva.ts';
import type { HierarchicalVae } from './hierarchicalVae.ts';
import { Hvae } from './model.ts';

export function createModel(config: ModelConfig, seed = 0): HierarchicalVae {
  return config.model === 'biva' ? new Biva(config, seed) : new Hvae(config, seed);
}
