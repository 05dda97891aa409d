/**
 * The coordinator: expand the matrix, keep this shard's unfinished runs, hand them to
 * executors (a thread pool, or one pool process per device), retry failures, and write
 * each result as soon as it arrives. It never trains anything itself.
 * A suite with `tuning` runs in two stages (tuning.ts): this shard's tuning runs, then
 * this shard's reporting runs of every entry whose tuning is complete in the results
 * directory; an entry still waiting for other shards' tuning runs is reported with a
 * 'stage-waiting' event and runs on the next `clbench run` (resume skips what is done).
 */
import type { BackendName, RunResult } from '@clbench/core';
import { availableParallelism } from 'node:os';
import { DeviceProcess } from './devices.js';
import { expandMatrix, uniqueRuns, type RunSpec } from './matrix.js';
import type { RunnerEvent } from './messages.js';
import { checkpointPath, deleteCheckpoints } from './checkpoint-file.js';
import { stopRequested, ThreadPool, type Executor } from './pool.js';
import { writePublished } from './published-file.js';
import { shardKeys, shardSpecs, type Shard } from './shard.js';
import { ResultsStore } from './store.js';
import type { LoadedSuite } from './suite-file.js';
import { readySpecs, reportingPlan, reportingSlots, slotOf, tuningSpecs } from './tuning.js';

export interface RunSuiteOptions {
  out: string;
  backend: BackendName;
  /** Worker threads (default: available cores); with `devices`, processes per device, one run each at a time (default 1). */
  workers?: number;
  /** One pool process per entry, with CUDA_VISIBLE_DEVICES set to it. */
  devices?: string[];
  /** Per-worker memory limit in MB (V8 heap via piscina resourceLimits, and live tensor bytes). */
  maxMemoryMb?: number;
  /** Extra attempts for a failed run (default 0). */
  retries?: number;
  shard?: Shard;
  /** Rerun runs that already have an ok result, and start unfinished runs from task 0 (ignore their checkpoints). */
  fresh?: boolean;
  /** Per-task checkpoints (default on): a killed run resumes after its last finished task. */
  checkpoints?: boolean;
  /** Keep a run's checkpoints after its record is written (default: deleted). */
  keepCheckpoints?: boolean;
  /** Only the tuning stage (e.g. the first of two dependent Slurm arrays). */
  tuningOnly?: boolean;
  onEvent?: (e: RunnerEvent) => void;
}

export interface SuiteSummary {
  total: number; skipped: number; ok: number; failed: number; results: RunResult[];
  /** Runs stopped at a step boundary (SIGTERM): no record, they resume from their checkpoints. */
  stopped?: number;
  /** Method entries whose reporting runs did not start: tuning runs not finished yet (other shards), or all failed. */
  waiting: string[];
}

export async function runSuite(suite: LoadedSuite, opts: RunSuiteOptions): Promise<SuiteSummary> {
  if (suite.published) writePublished(opts.out, suite.name, suite.published);
  if (!suite.tuning) return runSpecs(suite.name, expandMatrix(suite), opts);
  const tuning = await runSpecs(`${suite.name} (tuning stage)`, tuningSpecs(suite), opts);
  if (opts.tuningOnly || stopRequested()) return tuning;
  const store = new ResultsStore(opts.out);
  const plan = reportingPlan(suite, store.results(tuningSpecs(suite).map((s) => s.runId)));
  const emit = opts.onEvent ?? (() => {});
  const waiting: string[] = [];
  for (const p of plan) {
    if (p.status === 'ready') continue;
    waiting.push(p.label);
    emit(p.status === 'waiting' ? { type: 'stage-waiting', label: p.label, finished: p.finished, total: p.total } : { type: 'no-candidate', label: p.label });
  }
  const slots = opts.shard && shardKeys(reportingSlots(suite), opts.shard);
  const slice = (specs: RunSpec[]) => (slots ? specs.filter((s) => slots.has(slotOf(s))) : specs);
  const reporting = await runSpecs(`${suite.name} (reporting stage)`, uniqueRuns(suite, readySpecs(plan)), opts, slice);
  return {
    total: tuning.total + reporting.total, skipped: tuning.skipped + reporting.skipped, ok: tuning.ok + reporting.ok,
    failed: tuning.failed + reporting.failed, results: [...tuning.results, ...reporting.results], waiting,
    stopped: (tuning.stopped ?? 0) + (reporting.stopped ?? 0),
  };
}

/** Every run the suite has in `out` or would start there now (a suite with tuning: its tuning runs, and the reporting runs of entries whose tuning is complete). */
export function suiteSpecs(suite: LoadedSuite, out: string): RunSpec[] {
  if (!suite.tuning) return expandMatrix(suite);
  const tuning = tuningSpecs(suite);
  return [...tuning, ...readySpecs(reportingPlan(suite, new ResultsStore(out).results(tuning.map((s) => s.runId))))];
}

/** Run a list of runs (a suite's matrix, or any specs) into `opts.out`; `slice` picks this shard's (default: by run id). */
export async function runSpecs(name: string, specs: RunSpec[], opts: RunSuiteOptions,
  slice = (all: RunSpec[]) => (opts.shard ? shardSpecs(all, opts.shard) : all)): Promise<SuiteSummary> {
  const t0 = performance.now();
  const emit = opts.onEvent ?? (() => {});
  const store = new ResultsStore(opts.out);
  const mine = slice(specs);
  const done = opts.fresh ? new Set<string>() : store.finishedIds();
  const todo = mine.filter((s) => !done.has(s.runId));
  // A kill between writing a record and deleting its checkpoints leaves them behind: remove them now.
  if (!opts.keepCheckpoints) for (const s of mine) if (done.has(s.runId)) deleteCheckpoints(checkpointPath(opts.out, s.runId));
  const executors = todo.length ? makeExecutors(opts, todo.length) : [];
  emit({
    type: 'suite-start', suite: name, total: mine.length, finished: mine.length - todo.length, todo: todo.length,
    workers: executors.reduce((n, e) => n + e.slots, 0), shard: opts.shard && { index: opts.shard.index, count: opts.shard.count },
  });

  const queue = todo.map((spec) => ({ spec, attempt: 1 }));
  const results: RunResult[] = [];
  const retries = opts.retries ?? 0;
  let stopped = 0;
  const slot = async (ex: Executor) => {
    for (let item = queue.shift(); item && !stopRequested(); item = queue.shift()) {
      const r = await ex.run(item.spec, item.attempt, emit);
      if (r === null) { stopped++; emit({ type: 'run-stopped', runId: item.spec.runId }); continue; }
      if (r.status === 'failed' && item.attempt <= retries) {
        emit({ type: 'run-retry', runId: r.runId, attempt: item.attempt, error: r.error });
        queue.push({ spec: item.spec, attempt: item.attempt + 1 });
        continue;
      }
      store.write(r);
      if (r.status === 'ok' && !opts.keepCheckpoints) deleteCheckpoints(checkpointPath(opts.out, r.runId)); // after the record: a kill in between resumes and rewrites it
      results.push(r);
      emit({ type: 'run-end', result: r });
    }
  };
  try {
    await Promise.all(executors.flatMap((ex) => Array.from({ length: ex.slots }, () => slot(ex))));
  } finally {
    await Promise.all(executors.map((ex) => ex.close()));
  }
  const failed = results.filter((r) => r.status === 'failed').length;
  emit({ type: 'suite-end', ok: results.length - failed, failed, seconds: (performance.now() - t0) / 1000 });
  return { total: mine.length, skipped: mine.length - todo.length, ok: results.length - failed, failed, results, waiting: [], stopped };
}

function makeExecutors(opts: RunSuiteOptions, runs: number): Executor[] {
  const checkpoints = opts.checkpoints === false ? undefined : { out: opts.out, fresh: opts.fresh === true };
  const pool = { backend: opts.backend, maxMemoryMb: opts.maxMemoryMb, checkpoints };
  if (opts.devices?.length) {
    // `workers` processes per device, one run at a time each: several runs share a GPU, each process
    // recording its own GPU programs on its own CPU core (a step's CPU time is what bounds it: issue 26).
    const perDevice = Math.max(1, Math.min(opts.workers ?? 1, Math.ceil(runs / opts.devices.length)));
    return opts.devices.flatMap((d) => Array.from({ length: perDevice }, () => new DeviceProcess(d, { ...pool, workers: 1 })));
  }
  return [new ThreadPool({ ...pool, workers: Math.max(1, Math.min(opts.workers ?? availableParallelism(), runs)) })];
}
