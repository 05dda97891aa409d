/**
 * Executors run runs somewhere else than the coordinator. ThreadPool: a piscina pool of
 * worker threads in this process, each with its own backend. The coordinator loads each
 * run's dataset (once: the last one stays cached) and sends it with the run; its pixels
 * are in shared memory, so all workers read one copy. A worker that dies (e.g. over its
 * V8 heap limit) fails only its run; piscina replaces it.
 */
import { prepareSoftwareGl, type BackendName, type RunResult } from '@clbench/core';
import { loadDataset, type Dataset } from '@clbench/data';
import { Piscina } from 'piscina';
import { MessageChannel } from 'node:worker_threads';
import { failedRun } from './execute.js';
import type { RunSpec } from './matrix.js';
import type { WorkerMessage } from './messages.js';
import type { WorkerData, WorkerTask } from './worker.js';

export interface PoolOptions {
  /** Worker threads in the pool. */
  workers: number;
  backend: BackendName;
  /** Per-worker memory limit: V8 heap (piscina resourceLimits) and live tensor bytes. */
  maxMemoryMb?: number;
  /** Per-task checkpoints under `out`/checkpoints; `fresh` ignores existing ones (checkpoint-file.ts). */
  checkpoints?: { out: string; fresh: boolean };
}

/** Set once this process should stop its runs at the next step boundary (SIGTERM); shared with the
 *  worker threads, which read it before every step. */
const STOP = new Int32Array(new SharedArrayBuffer(4));
export function requestStop(): void { Atomics.store(STOP, 0, 1); }
export function stopRequested(): boolean { return Atomics.load(STOP, 0) === 1; }

/** Somewhere runs execute: `slots` runs at a time; `run` never rejects (failures are records). */
export interface Executor {
  readonly slots: number;
  readonly name: string;
  /** The run's record, or null when it stopped at a step boundary (stop requested: no record). */
  run(spec: RunSpec, attempt: number, onMessage: (m: WorkerMessage) => void): Promise<RunResult | null>;
  close(): Promise<void>;
}

export const WORKER_URL = new URL('./worker.js', import.meta.url);

export class ThreadPool implements Executor {
  readonly slots: number;
  readonly name = 'threads';
  private pool: Piscina | null = null;
  /** Why a pool was torn down (a worker failed outside any run, e.g. out of memory while starting). */
  private readonly broken = new WeakMap<Piscina, Error>();

  constructor(private readonly opts: PoolOptions) {
    this.slots = Math.max(1, opts.workers);
    prepareSoftwareGl();   // llvmpipe's EGL setting must be in the process's environment before a thread starts Dawn
  }

  private live(): Piscina {
    if (this.pool) return this.pool;
    const pool = new Piscina({
      filename: WORKER_URL.href,
      minThreads: this.slots, maxThreads: this.slots, idleTimeout: 60_000,
      workerData: { backend: this.opts.backend, maxMemoryMb: this.opts.maxMemoryMb, checkpoints: this.opts.checkpoints, stop: STOP } satisfies WorkerData,
      resourceLimits: this.opts.maxMemoryMb === undefined ? undefined : { maxOldGenerationSizeMb: this.opts.maxMemoryMb },
    });
    // piscina stops replacing workers once one fails while starting, and queued runs would
    // wait forever: start a fresh pool for later runs, fail the runs in this one.
    pool.on('error', (e: Error) => {
      this.broken.set(pool, e);
      if (this.pool === pool) this.pool = null;
      void pool.destroy();
    });
    return (this.pool = pool);
  }

  async run(spec: RunSpec, attempt: number, onMessage: (m: WorkerMessage) => void): Promise<RunResult | null> {
    const { port1, port2 } = new MessageChannel();
    port1.on('message', onMessage);
    const startedAt = new Date().toISOString();
    let dataset: Dataset;
    try { dataset = loadDataset(spec.config.dataset); } catch (e) {
      port1.close();
      return failedRun(spec, (e as Error).message, { backend: this.opts.backend, startedAt, attempts: attempt });
    }
    const pool = this.live();
    try {
      const task: WorkerTask = { spec, attempt, port: port2, dataset };
      return await pool.run(task, { transferList: [port2] }) as RunResult | null;
    } catch (e) {
      const err = (this.broken.get(pool) ?? e) as NodeJS.ErrnoException;
      return failedRun(spec, workerError(err, this.opts.maxMemoryMb), { backend: this.opts.backend, startedAt, attempts: attempt });
    } finally {
      port1.close();
    }
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.destroy();
  }
}

function workerError(e: NodeJS.ErrnoException, maxMemoryMb?: number): string {
  if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') return `worker out of memory (limit ${maxMemoryMb} MB, --max-memory-mb): ${e.message}`;
  return `worker died: ${e.message}`;
}
