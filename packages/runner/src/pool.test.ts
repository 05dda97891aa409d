import { initBackend } from '@clbench/core';
import { describe, expect, it } from 'vitest';
// Pool code loads dist/worker.js: import the built package, as the CLI does.
import { executeRun, expandMatrix, parseShard, readResults, runSuite, type RunnerEvent } from '@clbench/runner';
import { outcomes, tempDir, tinySuite } from './test-util.js';

describe('worker pool', () => {
  it('gives bit-identical accuracy matrices in-process, with 1 worker, 2 workers, and 2 shards', async () => {
    const suite = tinySuite();
    const specs = expandMatrix(suite);
    await initBackend('wasm');
    const reference = outcomes(await Promise.all(specs.map((s) => executeRun(s, { backend: 'wasm' }))));
    expect(Object.keys(reference)).toHaveLength(8);
    // Independent sanity: every run learned something (task accuracy well above chance on its own task).
    for (const o of Object.values(reference) as { R: number[][] }[]) expect(o.R[0][0]).toBeGreaterThan(0.6);

    const one = tempDir('w1'), two = tempDir('w2'), sharded = tempDir('sh');
    const events: RunnerEvent[] = [];
    await runSuite(suite, { out: one, backend: 'wasm', workers: 1 });
    await runSuite(suite, { out: two, backend: 'wasm', workers: 2, onEvent: (e) => events.push(e) });
    const [a, b] = await Promise.all([0, 1].map((i) => runSuite(suite, { out: sharded, backend: 'wasm', workers: 1, shard: parseShard(`${i}/2`) })));
    expect(a.results.length + b.results.length).toBe(8);
    expect(new Set([...a.results, ...b.results].map((r) => r.runId)).size).toBe(8);

    for (const dir of [one, two, sharded]) expect(outcomes(readResults(dir))).toEqual(reference);
    // Two worker threads really ran runs, and each run reported its start and progress.
    const starts = events.filter((e) => e.type === 'run-start');
    expect(new Set(starts.map((e) => e.worker.threadId)).size).toBe(2);
    expect(starts.every((e) => e.worker.pid === process.pid)).toBe(true);
    expect(events.some((e) => e.type === 'progress')).toBe(true);
    expect(events.filter((e) => e.type === 'run-end')).toHaveLength(8);
  });

  it('skips finished runs on resume and reruns them with fresh', async () => {
    const suite = tinySuite({ methods: [{ name: 'naive' }], orderings: { explicit: [[]] } });
    const dir = tempDir('resume');
    const first = await runSuite(suite, { out: dir, backend: 'wasm', workers: 1 });
    expect([first.ok, first.skipped]).toEqual([2, 0]);
    const again = await runSuite(suite, { out: dir, backend: 'wasm', workers: 1 });
    expect([again.ok, again.skipped, again.results.length]).toEqual([0, 2, 0]);
    const fresh = await runSuite(suite, { out: dir, backend: 'wasm', workers: 1, fresh: true });
    expect([fresh.ok, fresh.skipped]).toEqual([2, 0]);
    expect(outcomes(fresh.results)).toEqual(outcomes(first.results));
  });
});
