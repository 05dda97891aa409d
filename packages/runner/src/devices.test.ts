import { expandMatrix, readResults, runSuite, type RunnerEvent } from '@clbench/runner';
import { describe, expect, it } from 'vitest';
import { outcomes, tempDir, tinySuite } from './test-util.js';

describe('--devices: one pool process per device', () => {
  it('runs each device in its own process with CUDA_VISIBLE_DEVICES set to that device, same results', async () => {
    const suite = tinySuite({ orderings: { explicit: [[]] } });
    const events: RunnerEvent[] = [];
    const dev = tempDir('dev'), ref = tempDir('ref');
    const saved = process.env.CUDA_VISIBLE_DEVICES;
    process.env.CUDA_VISIBLE_DEVICES = 'parent-value';
    try {
      await runSuite(suite, { out: dev, backend: 'wasm', devices: ['0', '1'], onEvent: (e) => events.push(e) });
    } finally {
      if (saved === undefined) delete process.env.CUDA_VISIBLE_DEVICES; else process.env.CUDA_VISIBLE_DEVICES = saved;
    }
    await runSuite(suite, { out: ref, backend: 'wasm', workers: 1 });

    const starts = events.filter((e) => e.type === 'run-start');
    expect(starts).toHaveLength(expandMatrix(suite).length);
    const pidOf = new Map<string, Set<number>>();
    for (const s of starts) {
      expect(s.worker.pid).not.toBe(process.pid);
      pidOf.set(s.worker.device!, (pidOf.get(s.worker.device!) ?? new Set()).add(s.worker.pid));
    }
    // Both devices got runs, each device is one process, and the two processes differ.
    expect([...pidOf.keys()].sort()).toEqual(['0', '1']);
    expect(pidOf.get('0')!.size).toBe(1);
    expect(pidOf.get('1')!.size).toBe(1);
    expect([...pidOf.get('0')!][0]).not.toBe([...pidOf.get('1')!][0]);
    expect(outcomes(readResults(dev))).toEqual(outcomes(readResults(ref)));
  });

  it('--workers 2 --devices 0: two processes share the device, each with its CUDA_VISIBLE_DEVICES, same results', async () => {
    const suite = tinySuite({ orderings: { explicit: [[]] } });
    const events: RunnerEvent[] = [];
    const dev = tempDir('dev2'), ref = tempDir('ref2');
    await runSuite(suite, { out: dev, backend: 'wasm', devices: ['0'], workers: 2, onEvent: (e) => events.push(e) });
    await runSuite(suite, { out: ref, backend: 'wasm', workers: 1 });
    const starts = events.filter((e) => e.type === 'run-start');
    expect(starts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(starts.map((s) => s.worker.device))).toEqual(new Set(['0']));
    const pids = new Set(starts.map((s) => s.worker.pid));
    expect(pids.size).toBe(2);
    expect(pids.has(process.pid)).toBe(false);
    expect(outcomes(readResults(dev))).toEqual(outcomes(readResults(ref)));
  });
});
