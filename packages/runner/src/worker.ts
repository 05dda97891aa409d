/**
 * The piscina worker (loaded from dist/worker.js by URL). Each worker thread initialises
 * its tensors backend once, at load, and then runs many runs; progress goes back to the
 * coordinator through the MessagePort sent with each task, at most every PROGRESS_MS
 * and whenever the task or epoch changes. Each task carries its dataset, loaded once by
 * the coordinator with its pixels in shared memory; the worker reads that copy.
 */
import { initBackend, type BackendName } from '@clbench/core';
import { shareDataset, type Dataset } from '@clbench/data';
import { workerData } from 'piscina';
import type { MessagePort } from 'node:worker_threads';
import { threadId } from 'node:worker_threads';
import { executeRun, StopRequestedError } from './execute.js';
import type { RunSpec } from './matrix.js';
import type { WorkerId, WorkerMessage } from './messages.js';

export interface WorkerData {
  backend: BackendName;
  maxMemoryMb?: number;
  checkpoints?: { out: string; fresh: boolean };
  /** Shared stop flag (pool.ts): 1 = stop at the next step boundary. */
  stop: Int32Array;
}
export interface WorkerTask { spec: RunSpec; attempt: number; port: MessagePort; dataset: Dataset }

const PROGRESS_MS = 200;
const data = workerData as WorkerData;
const backendReady = initBackend(data.backend);
const self: WorkerId = { pid: process.pid, threadId, device: process.env.CUDA_VISIBLE_DEVICES };

/** The run's record, or null when it stopped at a step boundary (its checkpoint stays for the next start). */
export default async function runTask({ spec, attempt, port, dataset }: WorkerTask) {
  const send = (m: WorkerMessage) => port.postMessage(m);
  shareDataset(spec.config.dataset, dataset);
  try {
    const backend = await backendReady.catch((e: Error) => `failed: ${e.message}`);
    const { label, seed, ordering } = spec.config;
    send({ type: 'run-start', runId: spec.runId, label, seed, ordering, attempt, worker: self, backend });
    let last = 0, lastKey = '';
    return await executeRun(spec, {
      backend: data.backend, attempt,
      maxTensorBytes: data.maxMemoryMb === undefined ? undefined : data.maxMemoryMb * 2 ** 20,
      ...(data.checkpoints && { checkpoints: data.checkpoints }),
      onNotice: (line) => send({ type: 'notice', runId: spec.runId, line }),
      stopRequested: () => Atomics.load(data.stop, 0) === 1,
      onProgress: (p) => {
        const now = performance.now(), key = `${p.task}/${p.epoch}`;
        if (now - last < PROGRESS_MS && key === lastKey) return;
        last = now; lastKey = key;
        send({ type: 'progress', runId: spec.runId, worker: self, ...p });
      },
    });
  } catch (e) {
    if (e instanceof StopRequestedError) return null;
    throw e;
  } finally {
    port.close();
  }
}
