import { computeMetrics, initBackend, Rng, tf, trainContinual, type Incremental } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { naive } from '@clbench/method-naive';
import { describe, expect, it } from 'vitest';
import { joint } from './joint.js';

const training = { optimizer: 'adam' as const, lr: 1e-3, epochs: 1, batchSize: 64, validationFraction: 0.1, budget: 'consolidation-extra' as const };
const network = { layers: [{ type: 'dense' as const, units: 64 }] };

async function acc(method: typeof naive | typeof joint, incremental: Incremental, seed: number) {
  const scenario = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental, tasks: 5, classesPerTask: 2 }, { seed, ordering: [], validationFraction: 0.1, image: false, limit: 200 });
  const counts: number[] = [];
  const res = await trainContinual({ scenario, network, training, method: method.create({}), rng: new Rng(seed), onTaskEnd: () => counts.push(tf.memory().numTensors) });
  return { m: computeMetrics(res.accuracyMatrix, res.randomInitAccuracy, { sharedHead: scenario.headOutputs.length === 1 }), counts };
}

describe('joint training', () => {
  it('trains on every task seen so far: on split MNIST its ACC beats naive (class- and task-incremental)', async () => {
    await initBackend('wasm');
    const jc = await acc(joint, 'class', 0), nc = await acc(naive, 'class', 0);
    expect(jc.m.acc).toBeGreaterThan(nc.m.acc + 0.3); // naive forgets almost everything class-incrementally
    expect(nc.m.forgetting).toBeGreaterThan(0.5);
    const jt = await acc(joint, 'task', 0), nt = await acc(naive, 'task', 0);
    expect(jt.m.acc).toBeGreaterThanOrEqual(nt.m.acc);
    expect(jt.m.forgetting).toBeLessThan(nt.m.forgetting + 1e-9);
  });

  it('leaks no tensors across tasks', async () => {
    await initBackend('wasm');
    const before = tf.memory().numTensors;
    const { counts } = await acc(joint, 'task', 1);
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });
});
