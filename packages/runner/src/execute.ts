/**
 * Execute one run of the matrix in this thread: build the scenario, the method, train,
 * and return a result record. Errors (including NaN loss, core's DivergenceError, and the
 * tensor-memory limit) become a failed-run record; nothing thrown escapes.
 */
import { computeMetrics, ResumeError, gpuAdapter, initBackend, Rng, tf, trainContinual, trainingEpochs, type BackendName, type Progress, type RunResult, type TrainOptions } from '@clbench/core';
import { scenarioForRun } from '@clbench/data';
import { getMethod } from '@clbench/methods';
import { checkpointing } from './run-checkpoints.js';
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
