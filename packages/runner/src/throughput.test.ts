import { scenarioForRun } from '@clbench/data';
import { expandMatrix, measurePoolThroughput, measureRawProcesses, type Throughput } from '@clbench/runner';
import { describe, expect, it } from 'vitest';
import { tinySuite } from './test-util.js';

describe('throughput measurement', () => {
  it('counts every training sample of the suite, on the pool and on independent processes', async () => {
    const suite = tinySuite({ seeds: [0] }); // 4 runs
    // Closed form: naive trains each task's train split once per epoch; joint trains tasks 0..t at task t.
    const expected = expandMatrix(suite).reduce((sum, { config }) => {
      const n = scenarioForRun(config).tasks.map((t) => t.train.n);
      return sum + config.training.epochs * n.reduce((s, nt, t) => s + (config.method === 'joint' ? n.slice(0, t + 1).reduce((a, b) => a + b, 0) : nt), 0);
    }, 0);
    // The wall time is checked against the test's own clock around each call: it must be the call's
    // duration in seconds, less only the temp-dir set-up and clean-up (milliseconds).
    const timed = async (measure: () => Promise<Throughput>) => {
      const t0 = performance.now();
      const t = await measure();
      return { t, outside: (performance.now() - t0) / 1000 };
    };
    for (const { t, outside } of [await timed(() => measurePoolThroughput(suite, { workers: 2, backend: 'wasm' })),
      await timed(() => measureRawProcesses(suite, { processes: 2, backend: 'wasm' }))]) {
      expect([t.runs, t.failed, t.workers]).toEqual([4, 0, 2]);
      expect(t.samplesPerSecond * t.wallSeconds).toBeCloseTo(expected, 0);
      expect(outside).toBeGreaterThan(0.5);                     // 4 runs (2 at a time) and a worker or process start-up each
      expect(t.wallSeconds).toBeLessThanOrEqual(outside);
      expect(t.wallSeconds).toBeGreaterThan(0.9 * outside);
      expect(t.runsPerSecond).toBeGreaterThanOrEqual(4 / outside);
      expect(t.runsPerSecond).toBeLessThan(4 / (0.9 * outside));
    }
  });
});
