/** Load the dataset a suite names and build the scenario for one run. */
import type { DatasetConfig, NetworkConfig, RunConfig, Scenario } from '@clbench/core';
import type { Dataset } from './dataset.js';
import { loadEmbeddedMnist } from './mnist-embedded.js';
import { buildScenario } from './scenarios.js';

export function loadDataset(cfg: DatasetConfig): Dataset {
  if (cfg.name === 'mnist' && cfg.source === 'embedded') return loadEmbeddedMnist();
  if (cfg.source === 'embedded') throw new Error(`dataset.source: "${cfg.name}" has no embedded copy; give { "dir": "/path/to/files" }`);
  throw new Error(`dataset.name: loading "${cfg.name}" from a directory is not supported yet`);
}

export const usesImages = (net: NetworkConfig) => net.layers[0]?.type === 'conv2d';

export function scenarioForRun(run: Pick<RunConfig, 'dataset' | 'scenario' | 'network' | 'training' | 'seed' | 'ordering'>): Scenario {
  return buildScenario(loadDataset(run.dataset), run.scenario, {
    seed: run.seed, ordering: run.ordering, validationFraction: run.training.validationFraction,
    image: usesImages(run.network), limit: run.dataset.limit,
  });
}
