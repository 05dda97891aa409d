/** Benchmark 2b (icarl.ts) on a tiny network: its report against the scenario it ran on. */
import { initBackend } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { describe, expect, it } from 'vitest';
import { benchIcarl } from './icarl.js';
import { icarlTable } from './table.js';
import { benchNetwork } from './types.js';

describe('icarl bench', () => {
  it('task 2 steps over its rows and the 500 exemplars; herding, means and NME timed per task; no tensor left', async () => {
    await initBackend('wasm');
    const lines: string[] = [];
    const r = await benchIcarl({ network: benchNetwork(8), repeats: 1, log: (l) => lines.push(l) });
    const split = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'class', tasks: 2, classesPerTask: 2 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false });
    expect(r.stepsTask2).toBe(Math.ceil((split.tasks[1].train.n + 500) / 128));     // K = 500: 2 classes × 250 after task 1
    expect(r.testSamples).toEqual(split.tasks.map((t) => t.test.n));
    for (const xs of [r.herdingSeconds, r.meansSeconds, r.nmeSeconds]) {
      expect(xs).toHaveLength(2);
      for (const s of xs) expect(s).toBeGreaterThan(0);
    }
    expect(r.tensorsLeaked).toBe(0);
    expect(lines).toHaveLength(1);
    expect(icarlTable(r).at(-1)).toContain(`(${r.stepsTask2} steps) | ≤ 40 %`);
  });
});
