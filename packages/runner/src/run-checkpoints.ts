/**
 * A run's per-task checkpoints as the trainer sees them (checkpoint-file.ts holds the file format):
 * find a usable checkpoint to resume from, naming in one line each one refused, and write one
 * after every task, timed and sized for the run record (and for `npm run bench`).
 */
import { decodeState, encodeState, type StateValue, type TrainOptions } from '@clbench/core';
import { CHECKPOINT_FORMAT, checkpointPath, configHash, findCheckpoint, writeCheckpoint, type CheckpointHeader } from './checkpoint-file.js';
import { CODE_VERSION, type RunSpec } from './matrix.js';

/** A checkpoint bigger than this is announced once per run (disk use: one or two files per run in flight). */
const LARGE_CHECKPOINT_BYTES = 256 * 2 ** 20;

/** One checkpoint written: core's encoding of the state, then the file. */
export interface CheckpointWrite { encodeSeconds: number; writeSeconds: number; bytes: number }

/** The trainer's checkpoint hooks for a run: resume from a usable checkpoint, write one after each task. */
export function checkpointing(spec: RunSpec, backend: string, tasks: number, where: { out: string; fresh?: boolean }, notice: (line: string) => void) {
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
  const writes: CheckpointWrite[] = [];
  let announced = false;
  const save = (state: StateValue, tasksDone: number) => {
    const t0 = performance.now();
    const header: CheckpointHeader = { format: CHECKPOINT_FORMAT, ...expect, tasksDone, resumes };
    const encoded = encodeState(state);
    const t1 = performance.now();
    const bytes = writeCheckpoint(path, header, encoded);
    writes.push({ encodeSeconds: (t1 - t0) / 1000, writeSeconds: (performance.now() - t1) / 1000, bytes });
    if (bytes > LARGE_CHECKPOINT_BYTES && !announced) {
      announced = true;
      notice(`run ${spec.runId}: checkpoint is ${(bytes / 2 ** 20).toFixed(0)} MiB (${path}; deleted when the run's record is written)`);
    }
  };
  const trainer: NonNullable<TrainOptions['checkpoint']> = { save, ...(resume && { resume }) };
  return {
    trainer,
    /** Forget the checkpoint (its state could not be restored): the run starts again from task 0. */
    restart: () => { delete trainer.resume; resumes.pop(); },
    /** Every checkpoint written so far, timed in its two parts (the bench reads them). */
    writes: writes as readonly CheckpointWrite[],
    record: () => ({
      writes: writes.length, bytes: writes.at(-1)?.bytes ?? 0,
      writeSeconds: writes.reduce((t, w) => t + w.encodeSeconds + w.writeSeconds, 0), resumedAfterTasks: resumes,
    }),
  };
}
