/**
 * Sharding: a deterministic slice of the run matrix, so that independent processes (Slurm
 * array tasks, Kubernetes indexed-job pods, shells on several machines) can split a suite
 * and write into one results directory. Runs sorted by id are dealt round-robin: shard i
 * of n gets the runs at sorted positions i, i+n, i+2n, …; every run is in exactly one shard.
 */
import type { RunSpec } from './matrix.js';
import { InputError } from './suite-file.js';

export interface Shard {
  index: number;
  count: number;
  /** Where the shard came from, for messages: "--shard", "SLURM_ARRAY_TASK_ID", … */
  source: string;
}

function shard(index: number, count: number, source: string): Shard {
  if (!Number.isInteger(count) || count < 1) throw new InputError(`${source}: shard count must be a positive integer, got ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new InputError(`${source}: shard index ${index} is not in 0..${count - 1}`);
  return { index, count, source };
}

/** `--shard i/n` (0-based i). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new InputError(`--shard: expected i/n (e.g. 0/4), got "${text}"`);
  return shard(Number(m[1]), Number(m[2]), '--shard');
}

const int = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));

/**
 * The shard this process runs: `--shard i/n` if given; else a Slurm array task
 * (SLURM_ARRAY_TASK_ID, _MIN, _STEP, _COUNT); else a Kubernetes indexed job
 * (JOB_COMPLETION_INDEX, with the count from `shards` = the Job's completions); else none.
 */
export function resolveShard(opts: { flag?: string; shards?: number; env?: NodeJS.ProcessEnv }): Shard | undefined {
  const env = opts.env ?? process.env;
  if (opts.flag !== undefined) return parseShard(opts.flag);
  const slurmId = int(env.SLURM_ARRAY_TASK_ID);
  if (slurmId !== undefined) {
    const min = int(env.SLURM_ARRAY_TASK_MIN) ?? 0, step = int(env.SLURM_ARRAY_TASK_STEP) ?? 1;
    const count = int(env.SLURM_ARRAY_TASK_COUNT) ?? opts.shards;
    if (count === undefined) throw new InputError('SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not: give the array size with --shards N');
    return shard((slurmId - min) / step, count, 'SLURM_ARRAY_TASK_ID');
  }
  const k8s = int(env.JOB_COMPLETION_INDEX);
  if (k8s !== undefined) {
    if (opts.shards === undefined) throw new InputError('JOB_COMPLETION_INDEX is set: give the number of shards (the Job\'s completions) with --shards N');
    return shard(k8s, opts.shards, 'JOB_COMPLETION_INDEX');
  }
  return undefined;
}

/** This shard's runs (in matrix order). */
export function shardSpecs(specs: RunSpec[], s: Pick<Shard, 'index' | 'count'>): RunSpec[] {
  const mine = shardKeys(specs.map((x) => x.runId), s);
  return specs.filter((x) => mine.has(x.runId));
}

/** This shard's keys: sorted, dealt round-robin. */
export function shardKeys(keys: string[], s: Pick<Shard, 'index' | 'count'>): Set<string> {
  return new Set([...keys].sort().filter((_, k) => k % s.count === s.index));
}
