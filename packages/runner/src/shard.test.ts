import { describe, expect, it } from 'vitest';
import { expandMatrix } from './matrix.js';
import { parseShard, resolveShard, shardSpecs } from './shard.js';
import { tinySuite } from './test-util.js';

describe('sharding', () => {
  const specs = expandMatrix(tinySuite({ seeds: [0, 1, 2, 3, 4] })); // 20 runs

  it('deals runs sorted by id round-robin: shards are disjoint, cover the matrix, and do not depend on matrix order', () => {
    for (const n of [1, 2, 3, 7, 25]) {
      const shards = Array.from({ length: n }, (_, i) => shardSpecs(specs, { index: i, count: n }).map((s) => s.runId));
      expect(shards.flat().sort()).toEqual(specs.map((s) => s.runId).sort());
      expect(new Set(shards.flat()).size).toBe(specs.length);
      // Sizes differ by at most one.
      expect(Math.max(...shards.map((s) => s.length)) - Math.min(...shards.map((s) => s.length))).toBeLessThanOrEqual(1);
      // Same slice when the matrix comes in another order.
      const reversed = Array.from({ length: n }, (_, i) => shardSpecs([...specs].reverse(), { index: i, count: n }).map((s) => s.runId).sort());
      expect(reversed).toEqual(shards.map((s) => [...s].sort()));
    }
    // Hand check: shard 1/3 holds sorted positions 1, 4, 7, …
    const sorted = specs.map((s) => s.runId).sort();
    expect(shardSpecs(specs, { index: 1, count: 3 }).map((s) => s.runId).sort()).toEqual(sorted.filter((_, k) => k % 3 === 1));
  });

  it('takes the shard from --shard, Slurm array variables, or JOB_COMPLETION_INDEX with --shards', () => {
    expect(parseShard('2/4')).toMatchObject({ index: 2, count: 4 });
    expect(resolveShard({ env: {} })).toBeUndefined();
    expect(resolveShard({ env: { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' } })).toMatchObject({ index: 3, count: 4, source: 'SLURM_ARRAY_TASK_ID' });
    // --array=10-16:2 → ids 10,12,14,16 → shards 0..3 of 4.
    expect(resolveShard({ env: { SLURM_ARRAY_TASK_ID: '14', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_STEP: '2', SLURM_ARRAY_TASK_COUNT: '4' } })).toMatchObject({ index: 2, count: 4 });
    expect(resolveShard({ shards: 5, env: { JOB_COMPLETION_INDEX: '4' } })).toMatchObject({ index: 4, count: 5, source: 'JOB_COMPLETION_INDEX' });
    // The flag wins over the environment.
    expect(resolveShard({ flag: '0/2', env: { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2' } })).toMatchObject({ index: 0, count: 2, source: '--shard' });
  });

  it('rejects malformed or out-of-range shards with one line naming the source', () => {
    expect(() => parseShard('2/2')).toThrow('--shard: shard index 2 is not in 0..1');
    expect(() => parseShard('1-2')).toThrow('--shard: expected i/n');
    expect(() => parseShard('0/0')).toThrow('--shard: shard count must be a positive integer');
    expect(() => resolveShard({ env: { JOB_COMPLETION_INDEX: '1' } })).toThrow(/--shards N/);
    expect(() => resolveShard({ env: { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '2' } })).toThrow('SLURM_ARRAY_TASK_ID: shard index 5 is not in 0..1');
  });
});
