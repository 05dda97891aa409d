/**
 * The sbatch template for Slurm job arrays: array task k runs `clbench run` on shard
 * k of N (the runner reads SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT itself), every task
 * writes into the same results directory, and `clbench report` merges them.
 * A suite with a tuning stage gets two arrays: one with `--tuning-only`, and the full run
 * submitted with a dependency on it (its tuning runs are then skipped as finished).
 */
export interface SbatchOptions {
  /** Suite file (absolute path: the job may start in another directory). */
  suite: string;
  /** Results directory (absolute, on storage every node sees). */
  out: string;
  /** Number of array tasks = shards. */
  array: number;
  /** Command that starts clbench, e.g. `node /path/to/packages/cli/dist/main.js`. */
  clbench: string;
  jobName: string;
  partition?: string;
  gpusPerTask?: number;
  /** With gpusPerTask: runs sharing each GPU at a time, one process each (`--workers N --devices …`; default 1). */
  runsPerGpu?: number;
  cpusPerTask?: number;
  /** Slurm time limit, e.g. "04:00:00". */
  time?: string;
  backend?: string;
  /** Extra arguments for `clbench run` (e.g. --retries 2). */
  runArgs?: string[];
  /** The first of two arrays of a suite with tuning: `clbench run --tuning-only`. */
  tuningOnly?: boolean;
  /** Requeue-safe: `--requeue`, logs appended, SIGTERM 120 s before the time limit; the runs stop at a
   *  step boundary (exit 143) and the array task is requeued, to resume from their checkpoints. */
  requeue?: boolean;
}

/** Seconds before the time limit at which a requeue-safe job is sent SIGTERM (enough to finish a step and exit). */
export const REQUEUE_SIGNAL_SECONDS = 120;

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function sbatchScript(o: SbatchOptions): string {
  if (!Number.isInteger(o.array) || o.array < 1) throw new Error(`--array: expected a positive integer, got ${o.array}`);
  const directives = [
    `--job-name=${o.jobName}`,
    `--array=0-${o.array - 1}`,
    `--output=${o.out}/slurm/%A_%a.log`,
    `--ntasks=1`,
    o.cpusPerTask !== undefined && `--cpus-per-task=${o.cpusPerTask}`,
    o.partition && `--partition=${o.partition}`,
    o.gpusPerTask !== undefined && `--gpus-per-task=${o.gpusPerTask}`,
    o.time && `--time=${o.time}`,
    o.requeue && '--requeue',
    o.requeue && '--open-mode=append',
    o.requeue && `--signal=B:TERM@${REQUEUE_SIGNAL_SECONDS}`,
  ].filter(Boolean).map((d) => `#SBATCH ${d}`);
  // CPU: worker threads = CPUs Slurm gave the task. GPU: runsPerGpu pool processes (one run each) per
  // GPU Slurm gave the task, each with its GPU's CUDA_VISIBLE_DEVICES.
  const workers = o.gpusPerTask
    ? `--workers ${o.runsPerGpu ?? 1} \${CUDA_VISIBLE_DEVICES:+--devices "$CUDA_VISIBLE_DEVICES"}`
    : '--workers "${SLURM_CPUS_PER_TASK:-1}"';
  const args = ['run', o.suite, '--out', o.out, ...(o.backend ? ['--backend', o.backend] : []), ...(o.runArgs ?? []), ...(o.tuningOnly ? ['--tuning-only'] : [])].map(quote).join(' ');
  return `#!/bin/bash
# Written by \`clbench slurm\`. Submit with: sbatch THIS_FILE${o.tuningOnly ? `
# The suite's tuning stage only; submit the reporting array with --dependency=afterany:<this job id>.` : ''}
# Array task k runs shard k/${o.array} of the suite (from SLURM_ARRAY_TASK_ID/COUNT);
# all tasks write into ${o.out}; merge with: clbench report ${o.out} --out REPORT_DIR
${directives.join('\n')}
# ${o.out}/slurm must exist before submission (Slurm opens --output first); \`clbench slurm\` creates it.
set -euo pipefail
${o.requeue ? requeueTail(`${o.clbench} ${args} ${workers}`) : `exec ${o.clbench} ${args} ${workers}`}
`;
}

/** Run clbench in the background so the batch shell can pass on SIGTERM (time limit, preemption); on exit
 *  143 (stopped at a step boundary) requeue this array task: the next start resumes from the checkpoints. */
function requeueTail(command: string): string {
  return `${command} &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true' TERM
code=0
wait "$pid" || code=$?
while kill -0 "$pid" 2>/dev/null; do wait "$pid" || code=$?; done   # wait again after the trap interrupted it
if [ "$code" -eq 143 ]; then
  echo "clbench stopped at a step boundary (SIGTERM): requeueing \${SLURM_ARRAY_JOB_ID:-\$SLURM_JOB_ID}_\${SLURM_ARRAY_TASK_ID:-0}" >&2
  scontrol requeue "\${SLURM_ARRAY_JOB_ID:-\$SLURM_JOB_ID}_\${SLURM_ARRAY_TASK_ID:-0}"
fi
exit "$code"`;
}
