/**
 * Execute one run of the matrix in this thread: build the scenario, the method, train,
 * and return a result record. Errors (including NaN loss, core's DivergenceError, and the
 * tensor-memory limit) become a failed-run record; nothing thrown escapes.
 */
import { computeMetrics, decodeState, ResumeError, encodeState, gpuAdapter, initBackend, Rng, tf, trainContinual, trainingEpochs, type BackendName, type Progress, type RunResult, type StateValue, type TrainOptions } from '@clbench/core';
import { scenarioForRun } from '@clbench/data';
import { getMethod } from '@clbench/methods';
import { checkpointPath, configHash, findCheckpoint, writeCheckpoint, type CheckpointHeader } from './checkpoint-file.js';
import { CODE_VERSION, type RunSpec } from './matrix.js';

export interface ExecuteOptions {
  backend: BackendName;
  /** 1-based attempt number, recorded in the result (`--retries`). */
  attempt?: number;
  /** Fail the run when its live tensors exceed this many bytes (wasm/GPU memory is outside the V8 heap limit). */
  maxTensorBytes?: number;
  onProgress?: (p: Progress) => void;
  /** Per-task checkpoints under `out`/checkpoints (checkpoint-file.ts); `fresh` ignores an existing one. */
  checkpoints?: { out: string; fresh?: boolean };
  /** One line for the user (a checkpoint resumed or refused, a large checkpoint). */
  onNotice?: (line: string) => void;
  /** Returns true once the run should stop at the next step boundary (SIGTERM: preemption). */
  stopRequested?: () => boolean;
}

export class MemoryLimitError extends Error {}

/** Thrown at a step boundary when the run was asked to stop; the run writes no record (its checkpoint stays). */
export class StopRequestedError extends Error {}

/** A checkpoint bigger than this is announced once per run (disk use: one or two files per run in flight). */
const LARGE_CHECKPOINT_BYTES = 256 * 2 ** 20;

export async function executeRun(spec: RunSpec, opts: ExecuteOptions): Promise<RunResult> {
  const { config } = spec;
  const startedAt = new Date().toISOString();
  let backend = opts.backend as string;
  try {
    backend = await initBackend(opts.backend);
    const t0 = performance.now();
    const scenario = scenarioForRun(config);
    const def = getMethod(config.method);
    const hp = def.hyperparameters.parse(config.hyperparameters);
    const evaluateOn = config.stage === 'tuning' ? 'validation' : 'test';
    const limit = opts.maxTensorBytes;
    const ckpt = opts.checkpoints && checkpointing(spec, backend, scenario.tasks.length, opts.checkpoints, opts.onNotice ?? (() => {}));
    const onProgress = (p: Progress) => {
      if (limit !== undefined && tf.memory().numBytes > limit) {
        throw new MemoryLimitError(`tensor memory ${(tf.memory().numBytes / 2 ** 20).toFixed(1)} MB exceeds the limit of ${(limit / 2 ** 20).toFixed(0)} MB (--max-memory-mb)`);
      }
      opts.onProgress?.(p);
    };
    const train = (checkpoint: TrainOptions['checkpoint']) => trainContinual({
      scenario, network: config.network, training: config.training, method: def.create(hp), rng: new Rng(config.seed), onProgress,
      epochs: trainingEpochs(config.training, def.consolidationEpochs?.(hp) ?? 0), evaluateOn,
      ...(checkpoint && { checkpoint }),
      checkStop: () => { if (opts.stopRequested?.()) throw new StopRequestedError('stop requested (SIGTERM): stopped at a step boundary'); },
    });
    let res;
    try {
      res = await train(ckpt?.trainer);
    } catch (e) {
      if (!(e instanceof ResumeError) || !ckpt) throw e;
      opts.onNotice?.(`run ${spec.runId}: checkpoint not resumed: ${e.message}; starting from task 0`);
      ckpt.restart();
      res = await train(ckpt.trainer);
    }
    const wallSeconds = (performance.now() - t0) / 1000;
    const gpu = gpuAdapter();
    return {
      ...identity(spec, startedAt, opts.attempt ?? 1), status: 'ok', backend, ...(gpu && { gpu }), finishedAt: new Date().toISOString(),
      taskNames: scenario.tasks.map((t) => t.name), evaluatedOn: evaluateOn, steps: res.steps,
      accuracyMatrix: res.accuracyMatrix, randomInitAccuracy: res.randomInitAccuracy,
      metrics: computeMetrics(res.accuracyMatrix, res.randomInitAccuracy, { sharedHead: scenario.headOutputs.length === 1 }),
      diagnostics: res.warnings.length ? { ...res.diagnostics, warnings: res.warnings } : res.diagnostics,
      timing: { wallSeconds, trainSeconds: res.trainSeconds, samplesPerSecond: res.samplesTrained / Math.max(res.trainSeconds, 1e-9) },
      peakRssBytes: peakRss(),
      ...(ckpt && { checkpoints: ckpt.record() }),
    };
  } catch (e) {
    if (e instanceof StopRequestedError) throw e;
    return failedRun(spec, (e as Error).message || String(e), { backend, startedAt, attempts: opts.attempt ?? 1 });
  }
}

/** The trainer's checkpoint hooks for a run: resume from a usable checkpoint, write one after each task. */
function checkpointing(spec: RunSpec, backend: string, tasks: number, where: { out: string; fresh?: boolean }, notice: (line: string) => void) {
  const path = checkpointPath(where.out, spec.runId);
  const expect = { codeVersion: CODE_VERSION, backend, runId: spec.runId, configHash: configHash(spec.config) };
  const { found, refused } = where.fresh ? { found: null, refused: [] } : findCheckpoint(path, expect);
  for (const why of refused) notice(`run ${spec.runId}: checkpoint not resumed: ${why}`);
  let resume: StateValue | undefined;
  if (found) {
    try { resume = decodeState(found.state); } catch (e) { notice(`run ${spec.runId}: checkpoint not resumed: ${path}: ${(e as Error).message}`); }
  }
  const resumes = found && resume ? [...found.header.resumes, found.header.tasksDone] : [];
  if (found && resume) notice(`run ${spec.runId}: resuming after task ${found.header.tasksDone - 1} (${found.header.tasksDone} of ${tasks} tasks done)`);
  const stats = { writes: 0, bytes: 0, writeSeconds: 0, announced: false };
  const save = (state: StateValue, tasksDone: number) => {
    const t0 = performance.now();
    const header: CheckpointHeader = { format: 1, ...expect, tasksDone, resumes };
    stats.bytes = writeCheckpoint(path, header, encodeState(state));
    stats.writes++;
    stats.writeSeconds += (performance.now() - t0) / 1000;
    if (stats.bytes > LARGE_CHECKPOINT_BYTES && !stats.announced) {
      stats.announced = true;
      notice(`run ${spec.runId}: checkpoint is ${(stats.bytes / 2 ** 20).toFixed(0)} MiB (${path}; deleted when the run's record is written)`);
    }
  };
  const trainer: NonNullable<TrainOptions['checkpoint']> = { save, ...(resume && { resume }) };
  return {
    trainer,
    /** Forget the checkpoint (its state could not be restored): the run starts again from task 0. */
    restart: () => { delete trainer.resume; resumes.pop(); },
    record: () => ({ writes: stats.writes, bytes: stats.bytes, writeSeconds: stats.writeSeconds, resumedAfterTasks: resumes }),
  };
}

/** A failed-run record (also used by the coordinator when a worker dies mid-run). */
export function failedRun(spec: RunSpec, error: string, at: { backend: string; startedAt: string; attempts: number }): RunResult {
  return { ...identity(spec, at.startedAt, at.attempts), status: 'failed', backend: at.backend, finishedAt: new Date().toISOString(), error };
}

/** The fields every result record carries, ok or failed. */
function identity(spec: RunSpec, startedAt: string, attempts: number) {
  const { config } = spec;
  return {
    runId: spec.runId, suite: config.suite, method: config.method, label: config.label, hyperparameters: config.hyperparameters,
    seed: config.seed, ordering: config.ordering, config, codeVersion: CODE_VERSION, startedAt, attempts,
    stage: config.stage, ...(spec.selection ? { selection: spec.selection } : {}),
  };
}

/** Peak resident set size of this process so far (bytes). */
export function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}
