import { computeMetrics, initBackend, Rng, tf, trainContinual, type Scenario } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { describe, expect, it } from 'vitest';
import { naive } from './naive.js';

const scenario = (seed = 0): Scenario =>
  buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'task', tasks: 3, classesPerTask: 2 }, { seed, ordering: [], validationFraction: 0.1, image: false, limit: 150 });
const training = { optimizer: 'adam' as const, lr: 1e-3, epochs: 1, batchSize: 64, validationFraction: 0.1, budget: 'consolidation-extra' as const };
const network = { layers: [{ type: 'dense' as const, units: 32 }, { type: 'dense' as const, units: 32 }] };

async function run(seed: number) {
  const counts: number[] = [];
  const res = await trainContinual({ scenario: scenario(seed), network, training, method: naive.create({}), rng: new Rng(seed), onTaskEnd: () => counts.push(tf.memory().numTensors) });
  return { res, counts };
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`naive on ${backend}`, () => {
    it('the same seed gives a bit-identical accuracy matrix; another seed does not', async () => {
      await initBackend(backend);
      const a = await run(1), b = await run(1), c = await run(2);
      expect(a.res.accuracyMatrix).toEqual(b.res.accuracyMatrix);
      expect(a.res.randomInitAccuracy).toEqual(b.res.randomInitAccuracy);
      expect(c.res.accuracyMatrix).not.toEqual(a.res.accuracyMatrix);
    });

    it('leaks no tensors: the count is the same after every task, and back to baseline after the run', async () => {
      await initBackend(backend);
      const before = tf.memory().numTensors;
      const { res, counts } = await run(3);
      expect(new Set(counts).size).toBe(1);
      expect(tf.memory().numTensors).toBe(before);
      const m = computeMetrics(res.accuracyMatrix, res.randomInitAccuracy, { sharedHead: false });
      expect(m.acc).toBeGreaterThan(0.8); // task-IL 2-way tasks learn quickly
    });
  });
}
