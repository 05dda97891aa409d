import { scenarioForRun } from '@clbench/data';
import { expandMatrix, measurePoolThroughput, measureRawProcesses } from '@clbench/runner';
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
    for (const t of [await measurePoolThroughput(suite, { workers: 2, backend: 'wasm' }), await measureRawProcesses(suite, { processes: 2, backend: 'wasm' })]) {
      expect([t.runs, t.failed, t.workers]).toEqual([4, 0, 2]);
      expect(t.samplesPerSecond * t.wallSeconds).toBeCloseTo(expected, 0);
      expect(t.runsPerSecond * t.wallSeconds).toBeCloseTo(4, 10);
    }
  });
});
