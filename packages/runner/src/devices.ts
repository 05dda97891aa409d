/**
 * GPUs: pool processes per device (`--devices 0,1 --workers N`: N processes on each, so several
 * runs share one GPU). CUDA_VISIBLE_DEVICES must be set before a CUDA library initialises, which
 * happens once per process, so each runs in its own child process (dist/device-host.js) with the
 * variable set and a ThreadPool inside. Vulkan ignores
 * CUDA_VISIBLE_DEVICES (NVIDIA's driver lists every GPU the process can open), so the webgpu
 * backend selects its adapter from CLBENCH_GPU, set to the same entry (core/webgpu.ts); the
 * coordinator talks to it over IPC. A child that dies fails its in-flight runs and is
 * restarted for the next run. A child whose parent dies (even by SIGKILL) sees the IPC
 * channel close and exits.
 */
import type { RunResult } from '@clbench/core';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { failedRun } from './execute.js';
import type { RunSpec } from './matrix.js';
import type { WorkerMessage } from './messages.js';
import type { Executor, PoolOptions } from './pool.js';

/** Coordinator → device process. */
export type HostRequest = { type: 'run'; id: number; spec: RunSpec; attempt: number };
/** Device process → coordinator. */
export type HostReply =
  | { type: 'message'; id: number; message: WorkerMessage }
  | { type: 'result'; id: number; result: RunResult | null };

const HOST_PATH = fileURLToPath(new URL('./device-host.js', import.meta.url));

interface Pending { spec: RunSpec; attempt: number; onMessage: (m: WorkerMessage) => void; resolve: (r: RunResult | null) => void; startedAt: string }

export class DeviceProcess implements Executor {
  readonly slots: number;
  readonly name: string;
  private child: ChildProcess | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(readonly device: string, private readonly opts: PoolOptions) {
    this.slots = Math.max(1, opts.workers);
    this.name = `device ${device}`;
  }

  private start(): ChildProcess {
    const child = fork(HOST_PATH, [JSON.stringify(this.opts)], {
      env: { ...process.env, CUDA_VISIBLE_DEVICES: this.device, CLBENCH_GPU: this.device },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    child.on('message', (m: HostReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === 'message') p.onMessage(m.message);
      else { this.pending.delete(m.id); p.resolve(m.result); }
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.resolve(failedRun(p.spec, `device process ${this.device} exited (${signal ?? `code ${code}`}) during the run`, { backend: this.opts.backend, startedAt: p.startedAt, attempts: p.attempt }));
      }
    });
    return child;
  }

  run(spec: RunSpec, attempt: number, onMessage: (m: WorkerMessage) => void): Promise<RunResult | null> {
    this.child ??= this.start();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { spec, attempt, onMessage, resolve, startedAt: new Date().toISOString() });
      this.child!.send({ type: 'run', id, spec, attempt } satisfies HostRequest);
    });
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.disconnect(); });
  }
}
