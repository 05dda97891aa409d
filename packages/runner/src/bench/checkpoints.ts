/**
 * Benchmark 5: per-task checkpoints (issue 24) — for every chosen method, one run of the default
 * suite's setting (benchmarks/split-mnist.json: its dataset, scenario, network and training; its
 * first seed, the natural task order, the method's default hyper-parameters) through
 * `trainContinual`, checkpointed by the runner's own `checkpointing` (run-checkpoints.ts: core's
 * encodeState, then writeCheckpoint — temp file, rename, the previous file kept as .prev) into a
 * temporary directory. Measured per method: seconds per checkpoint (encode and write apart, and together), the
 * bytes of each checkpoint file, the mean training seconds of a task (TrainResult.taskSeconds:
 * its training epochs), and the write time over that — goal ≤ CHECKPOINT_WRITE_GOAL_PCT (goals.ts).
 */
import { Rng, trainingEpochs, trainContinual, type Incremental, type NetworkConfig } from '@clbench/core';
import { scenarioForRun } from '@clbench/data';
import { getMethod, methodNames, type MethodName } from '@clbench/methods';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expandMatrix } from '../matrix.js';
import { checkpointing } from '../run-checkpoints.js';
import { parseSuite } from '../suite-file.js';
import { CHECKPOINT_WRITE_GOAL_PCT } from './goals.js';
import type { CheckpointBench, CheckpointsReport } from './types.js';

/** The default suite whose setting benchmark 5 measures. */
export const DEFAULT_CHECKPOINT_SUITE = fileURLToPath(new URL('../../../../benchmarks/split-mnist.json', import.meta.url));

export interface CheckpointsBenchOptions {
  /** The backend initialised (the checkpoint header names it, as a run's does). */
  backend: string;
  /** Methods to measure (default: all registered); those the suite's scenario does not support are skipped. */
  methods?: readonly MethodName[];
  /** Suite file whose setting is measured (default benchmarks/split-mnist.json). */
  suiteFile?: string;
  /** Replace the suite's network (tests: a tiny one). */
  network?: NetworkConfig;
  /** Replace the suite's dataset.limit: training samples per class (tests). */
  limit?: number;
  /** Write the checkpoints here and leave them (tests); default: a temporary directory, removed afterwards. */
  dir?: string;
  log: (line: string) => void;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export async function benchCheckpoints(opts: CheckpointsBenchOptions): Promise<CheckpointsReport> {
  const file = opts.suiteFile ?? DEFAULT_CHECKPOINT_SUITE;
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> & { seeds: number[]; dataset: Record<string, unknown>; scenario: { incremental?: Incremental } };
  const incremental = raw.scenario.incremental ?? 'task';
  const chosen = opts.methods ?? methodNames;
  const names = chosen.filter((m) => getMethod(m).supports.includes(incremental));
  const skipped = chosen.filter((m) => !names.includes(m));
  if (skipped.length) opts.log(`  skipped (no ${incremental}-incremental support): ${skipped.join(', ')}`);
  // The suite's setting, one seed, natural order, each method once with its default hyper-parameters.
  const { tuning: _tuning, ...rest } = raw;
  const suite = parseSuite({
    ...rest, ...(opts.network && { network: opts.network }), dataset: { ...raw.dataset, ...(opts.limit !== undefined && { limit: opts.limit }) },
    methods: names.map((name) => ({ name })), seeds: [raw.seeds[0]], orderings: { explicit: [[]] },
  }, file);
  if (suite.scenario.tasks < 2) throw new Error(`checkpoint bench: ${file} has ${suite.scenario.tasks} task; a checkpoint is written after each task but the last`);
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'clbench-ckpt-bench-'));
  const results: CheckpointBench[] = [];
  try {
    for (const spec of expandMatrix(suite)) {
      const { config } = spec;
      const def = getMethod(config.method);
      const hp = def.hyperparameters.parse(config.hyperparameters);
      // The runner's own checkpointing for a fresh run (run-checkpoints.ts), which times both parts.
      const ckpt = checkpointing(spec, opts.backend, suite.scenario.tasks, { out: dir, fresh: true }, opts.log);
      const res = await trainContinual({
        scenario: scenarioForRun(config), network: config.network, training: config.training, method: def.create(hp), rng: new Rng(config.seed),
        epochs: trainingEpochs(config.training, def.consolidationEpochs?.(hp) ?? 0), evaluateOn: 'test', checkpoint: ckpt.trainer,
      });
      const bytes = ckpt.writes.map((w) => w.bytes);
      const encode = mean(ckpt.writes.map((w) => w.encodeSeconds)), write = mean(ckpt.writes.map((w) => w.writeSeconds)), train = mean(res.taskSeconds);
      const r: CheckpointBench = {
        method: config.method as MethodName, runId: spec.runId, writes: bytes.length, encodeSeconds: encode, writeSeconds: write,
        totalSeconds: encode + write, bytes, taskTrainSeconds: train, ratioPct: (100 * (encode + write)) / train, goalPct: CHECKPOINT_WRITE_GOAL_PCT,
      };
      results.push(r);
      opts.log(`  ${r.method}: ${r.writes} checkpoints of ${(bytes[bytes.length - 1] / 2 ** 20).toFixed(2)} MiB, ${(1000 * r.totalSeconds).toFixed(1)} ms each, ${r.ratioPct.toFixed(2)} % of a task's ${train.toFixed(2)} s training`);
    }
  } finally {
    if (opts.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
  const hidden = suite.network.layers.map((l) => (l.type === 'dense' ? l.units : l.type)).join('-');
  return {
    suite: `${suite.name} (${suite.scenario.tasks} tasks, network ${hidden}, ${suite.training.epochs} epochs, batch ${suite.training.batchSize}${suite.dataset.limit ? `, ${suite.dataset.limit} per class` : ''}; seed ${suite.seeds[0]}, default hyper-parameters)`,
    methods: results,
  };
}
