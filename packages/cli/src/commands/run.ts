/** `clbench run`: expand a suite's matrix and run it on a worker pool into a results directory. */
import { BACKENDS, initBackend, type BackendName } from '@clbench/core';
import { checkDataset, expandOrderings } from '@clbench/data';
import { checkResultsDir, expandMatrix, InputError, loadSuite, otherRunsNote, progressReporter, requestStop, resolveShard, runSuite, shardSpecs, suiteSpecs, tuningSpecs, type LoadedSuite, type RunSpec, type Shard } from '@clbench/runner';
import { availableParallelism } from 'node:os';
import { parse, UsageError, usageError, type Command } from '../args.js';

const RUN_USAGE = `usage: clbench run SUITE.json --out DIR [--backend auto|webgpu|tensorflow|wasm|cpu] [--workers N] [--devices 0,1,…]
         [--max-memory-mb MB] [--retries K] [--shard i/n | --shards N] [--tuning-only] [--fresh] [--keep-checkpoints]
         [--dry-run] [--quiet]`;

const RUN_HELP = `${RUN_USAGE}

Results go to DIR/runs/<runId>.json, one file per run, written atomically; finished runs
are skipped (resume is the default) unless --fresh. A run writes a checkpoint after every task
(DIR/checkpoints/<runId>.ckpt, deleted when its record is written): a run killed mid-way resumes
after its last finished task, bit for bit; a checkpoint of another code version, backend or run
config, or a corrupt one, is named in one line and not used. SIGTERM (Slurm preemption) stops the
runs in flight at their next step boundary and exits with code 143; the next start resumes them.
Failed runs are recorded with their
error and the suite goes on; the exit code is 1 if any run failed. Runs of the same suite name
from another code version or suite config already in DIR are kept, and a one-line note at the
start counts them (a report shows them as separate rows).

A suite with "tuning" runs in two stages: the grids on the tuning seeds (scored on
validation data), then each method entry's best configuration on the reporting seeds.
Sharded, each shard runs its tuning runs, then its reporting runs of every entry whose
tuning runs are all in DIR; entries still waiting for other shards are named, and the
next \`clbench run\` (same arguments) runs them.

  --workers N        worker threads, each with its own backend (default: ${availableParallelism()} = available cores);
                     with --devices: processes per device, one run each at a time (default 1; several runs
                     share a GPU: \`clbench bench --backend webgpu --workers 1,2,4,8\` measures how many pay off)
  --devices 0,1,…    pool processes per device, with CUDA_VISIBLE_DEVICES and CLBENCH_GPU set to it
                     (webgpu: an index into Dawn's adapter list, or a part of an adapter's name)
  --max-memory-mb MB per-worker limit: V8 heap (worker is replaced) and live tensor bytes
  --retries K        attempts after a failure (default 0)
  --shard i/n        run slice i of n of the matrix (0-based). Without it, the slice comes from
                     SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT (Slurm job arrays) or from
                     JOB_COMPLETION_INDEX (Kubernetes indexed jobs; give the count with --shards N)
  --tuning-only      run only the tuning stage (the first of two dependent Slurm arrays)
  --fresh            rerun finished runs and start unfinished ones from task 0 (ignore checkpoints)
  --keep-checkpoints keep each run's last checkpoint after its record is written
  --quiet            no progress (live display on a terminal; otherwise one line per finished run
                     and, every 5 minutes while runs are in flight, where each worker is)`;

export const backendArg = (v: string | undefined): BackendName => {
  const b = (v ?? 'auto') as BackendName;
  if (!BACKENDS.includes(b)) throw new UsageError(`--backend: "${v}" is not one of ${BACKENDS.join(', ')}`);
  return b;
};

export function intArg(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name}: expected an integer ≥ ${min}, got "${v}"`);
  return n;
}

export const run: Command = {
  summary: 'run a suite (methods × seeds × orderings) on a worker pool into a results directory',
  async run(argv) {
    const { values, positionals } = parse(argv, {
      out: { type: 'string', short: 'o' }, backend: { type: 'string' }, workers: { type: 'string' }, devices: { type: 'string' },
      'max-memory-mb': { type: 'string' }, retries: { type: 'string' }, shard: { type: 'string' }, shards: { type: 'string' },
      fresh: { type: 'boolean' }, 'keep-checkpoints': { type: 'boolean' }, 'dry-run': { type: 'boolean' }, quiet: { type: 'boolean' }, 'tuning-only': { type: 'boolean' },
    }, RUN_USAGE);
    if (values.help) { console.log(RUN_HELP); return 0; }
    if (positionals.length !== 1) throw usageError('expected one suite file', RUN_USAGE);
    const suite = loadSuite(positionals[0]);
    const shard = resolveShard({ flag: values.shard, shards: intArg('shards', values.shards, 1) });
    if (values['dry-run']) { dryRun(suite, shard); return 0; }
    if (!values.out) throw usageError('--out DIR is required', RUN_USAGE);
    const devices = values.devices?.split(',').map((d: string) => d.trim()).filter(Boolean);
    if (values.devices !== undefined && !devices?.length) throw new UsageError('--devices: expected a comma-separated list, e.g. 0,1');
    // Problems every run would hit are input errors (exit 2) before anything starts.
    const backend = backendArg(values.backend);
    checkResultsDir(values.out);
    try { checkDataset(suite.dataset); } catch (e) { throw new InputError(`${positionals[0]}: dataset: ${(e as Error).message}`); }
    if (backend === 'tensorflow') await initBackend('tensorflow');
    const note = otherRunsNote(values.out, suite.name, suiteSpecs(suite, values.out));
    if (note) console.error(note);
    const reporter = progressReporter(process.stderr, { quiet: values.quiet });
    const onTerm = () => { console.error('SIGTERM: stopping the runs in flight at their next step boundary; they resume from their checkpoints'); requestStop(); };
    process.on('SIGTERM', onTerm);   // again and again: preemption may signal every process of the job more than once
    let summary;
    try {
      summary = await runSuite(suite, {
        out: values.out, backend, workers: intArg('workers', values.workers, 1), devices,
        maxMemoryMb: intArg('max-memory-mb', values['max-memory-mb'], 1), retries: intArg('retries', values.retries, 0) ?? 0,
        shard, fresh: values.fresh, keepCheckpoints: values['keep-checkpoints'], tuningOnly: values['tuning-only'], onEvent: reporter.onEvent,
      });
    } finally {
      reporter.stop();
      process.removeListener('SIGTERM', onTerm);
    }
    if (summary.stopped) {
      console.error(`stopped (SIGTERM): ${summary.ok} ok, ${summary.failed} failed, ${summary.stopped} stopped at a step boundary (they resume from their checkpoints) → ${values.out}`);
      return 143;
    }
    console.error(`done: ${summary.ok} ok, ${summary.failed} failed, ${summary.skipped} skipped (already finished) → ${values.out}`);
    if (summary.waiting.length) console.error(`not run yet: the reporting runs of ${summary.waiting.join(', ')} (tuning incomplete or failed); run \`clbench run\` again once every tuning run has finished`);
    return summary.failed ? 1 : 0;
  },
};

/** --dry-run: the runs this shard would start (a tuned suite: its tuning runs; reporting runs depend on their scores). */
function dryRun(suite: LoadedSuite, shard: Shard | undefined): void {
  const line = (s: RunSpec) => console.log(`${s.runId}  ${s.config.stage}  ${s.config.label}  seed=${s.config.seed}  ordering=[${s.config.ordering.join(',')}]`);
  const specs = suite.tuning ? tuningSpecs(suite) : expandMatrix(suite);
  (shard ? shardSpecs(specs, shard) : specs).forEach(line);
  if (suite.tuning) {
    const orderings = expandOrderings(suite.orderings, suite.scenario.tasks).length;
    console.log(`then ${suite.grids.length * suite.seeds.length * orderings} reporting runs: each of the ${suite.grids.length} method entries' best configuration × seeds ${suite.seeds.join(', ')} × ${orderings} orderings`);
  }
}
