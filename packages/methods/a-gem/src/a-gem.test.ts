import { initBackend, Rng, tf, trainContinual } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { aGem, projectGradients, type AGem } from './a-gem.js';

beforeAll(async () => { await initBackend('wasm'); });

const training = { optimizer: 'adam' as const, lr: 5e-3, epochs: 1, batchSize: 16, validationFraction: 0.1, budget: 'consolidation-extra' as const };
const values = (t: Record<string, tf.Tensor>) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Array.from(v.dataSync())]));

describe('A-GEM projection (Eq. 11) against a hand computation', () => {
  it('projects g when g·g_ref < 0, over all parameters together', () => {
    tf.tidy(() => {
      const g = { a: tf.tensor([1, 2]), b: tf.tensor([-1]), head: tf.tensor([3]) };
      const ref = { a: tf.tensor([-1, 0]), b: tf.tensor([2]) };           // no g_ref for the head: 0
      // g·g_ref = −1 + 0 − 2 = −3; g_ref·g_ref = 5; g̃ = g + (3/5) g_ref
      const { grads, dot } = projectGradients(g, ref);
      expect(dot.dataSync()[0]).toBeCloseTo(-3, 6);
      const got = values(grads);
      expect(got.a[0]).toBeCloseTo(0.4, 6); expect(got.a[1]).toBeCloseTo(2, 6);
      expect(got.b[0]).toBeCloseTo(0.2, 6); expect(got.head[0]).toBe(3);
      expect(got.a[0] * -1 + got.a[1] * 0 + got.b[0] * 2).toBeCloseTo(0, 6); // g̃ ⟂ g_ref
    });
  });
  it('leaves g unchanged when g·g_ref ≥ 0', () => {
    tf.tidy(() => {
      const { grads, dot } = projectGradients({ a: tf.tensor([1, 2]) }, { a: tf.tensor([1, -0.5]) }); // dot = 0
      expect(dot.dataSync()[0]).toBe(0);
      expect(values(grads)).toEqual({ a: [1, 2] });
      expect(values(projectGradients({ a: tf.tensor([1, 2]) }, { a: tf.tensor([0.5, 1]) }).grads)).toEqual({ a: [1, 2] });
    });
  });
});

describe('a-gem in a continual run', () => {
  for (const incremental of ['task', 'class'] as const) {
    it(`trains 2 tasks of split MNIST (${incremental}-incremental): memory of task 0 only, some steps projected, no leaked tensor`, async () => {
      const scenario = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental, tasks: 2, classesPerTask: 2 },
        { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 100 });
      const method = aGem.create(aGem.hyperparameters.parse({ memorySize: 40, referenceBatchSize: 20 })) as AGem;
      const before = tf.memory().numTensors, counts: number[] = [];
      const res = await trainContinual({
        scenario, network: { layers: [{ type: 'dense', units: 16 }] }, training, method, rng: new Rng(3),
        onTaskEnd: () => { counts.push(tf.memory().numTensors); },
      });
      expect(counts[1]).toBe(counts[0]);
      expect(tf.memory().numTensors).toBe(before);
      expect(res.accuracyMatrix[0][0]).toBeGreaterThan(0.7);
      const d = res.diagnostics as { memory: { stored: number; offered: number; perHead: Record<number, number>; bytes: number }; projectedSteps: number; constrainedSteps: number };
      expect(d.memory.offered).toBe(scenario.tasks[0].train.n + scenario.tasks[1].train.n);
      expect(d.memory.stored).toBe(40);
      expect(d.memory.bytes).toBe(40 * (784 * 4 + 8));
      expect(d.constrainedSteps).toBe(Math.ceil(scenario.tasks[1].train.n / training.batchSize)); // task 1's steps only
      expect(d.projectedSteps).toBeGreaterThan(0);
      if (incremental === 'class') expect(d.projectedSteps).toBeGreaterThan(d.constrainedSteps / 4); // new classes fight the old
    });
  }
});
