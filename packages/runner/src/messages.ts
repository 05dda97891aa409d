/**
 * What workers tell the coordinator while a run is in flight (through a MessagePort, one
 * per run), and the events the coordinator gives its observers (the progress display).
 * Both are discriminated unions on `type`: a new message kind is checked by the compiler.
 */
import type { RunResult } from '@clbench/core';

/** Where a run executes: the process (one per device with --devices) and the worker thread. */
export interface WorkerId {
  pid: number;
  threadId: number;
  /** CUDA_VISIBLE_DEVICES as seen by the worker (undefined when unset). */
  device?: string;
}

/** Worker → coordinator, while a run is in flight. */
export type WorkerMessage =
  | { type: 'run-start'; runId: string; label: string; seed: number; ordering: number[]; attempt: number; worker: WorkerId; backend: string }
  | { type: 'progress'; runId: string; worker: WorkerId; task: number; tasks: number; epoch: number; epochs: number; step: number; steps: number; loss: number }
  /** One line for the user about a run: its checkpoint resumed or refused, a large checkpoint. */
  | { type: 'notice'; runId: string; line: string };

/** Coordinator → observers. */
export type RunnerEvent =
  | { type: 'suite-start'; suite: string; total: number; finished: number; todo: number; workers: number; shard?: { index: number; count: number } }
  | WorkerMessage
  | { type: 'run-retry'; runId: string; attempt: number; error: string }
  | { type: 'run-end'; result: RunResult }
  /** A run stopped at a step boundary (SIGTERM); it writes no record and resumes from its last checkpoint. */
  | { type: 'run-stopped'; runId: string }
  | { type: 'suite-end'; ok: number; failed: number; seconds: number }
  | { type: 'stage-waiting'; label: string; finished: number; total: number }
  | { type: 'no-candidate'; label: string };

/** Fraction of a run done, from its latest progress message (tasks and epochs weigh equally). */
export function runFraction(p: Extract<WorkerMessage, { type: 'progress' }>): number {
  const epochFrac = (p.epoch + (p.step + 1) / Math.max(p.steps, 1)) / Math.max(p.epochs, 1);
  return Math.min(1, (p.task + epochFrac) / Math.max(p.tasks, 1));
}
