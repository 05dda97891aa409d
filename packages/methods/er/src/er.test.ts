import { buildNetwork, initBackend, Rng, tf, trainContinual, type GradientStepContext, type MethodContext, type Scenario, type Split, type TapeBatch } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { er, type Er } from './er.js';

beforeAll(async () => { await initBackend('wasm'); });

const training = { optimizer: 'adam' as const, lr: 5e-3, epochs: 1, batchSize: 16, validationFraction: 0.1, budget: 'consolidation-extra' as const };

/** Mean cross-entropy of softmax(xW + b) by hand, float64 (a network without hidden layers). */
function handCE(W: ArrayLike<number>, b: ArrayLike<number>, x: number[][], y: number[]): number {
  const K = b.length;
  let sum = 0;
  x.forEach((row, n) => {
    const z = Array.from({ length: K }, (_, k) => b[k] + row.reduce((s, v, i) => s + v * W[i * K + k], 0));
    sum += Math.log(z.reduce((s, v) => s + Math.exp(v), 0)) - z[y[n]];
  });
  return sum / x.length;
}

describe('er batch loss', () => {
  it('is (|B_M| / |B|) · mean CE of the replayed samples, each on the head it was trained with (hand computation)', () => {
    const net = buildNetwork({ layers: [] }, [2], [2, 2], new Rng(1));      // logits = x W_h + b_h
    const scenario: Scenario = { name: 'hand-made', incremental: 'task', inputShape: [2], headOutputs: [2, 2], tasks: [] };
    const ctx: MethodContext = { net, scenario, training, rng: new Rng(2), taskId: 1, head: 1, finished: [], warn: () => {} };
    const method = er.create(er.hyperparameters.parse({ memorySize: 3, replayBatchSize: 3 })) as Er;
    const x = [[1, -2], [0.5, 0.5], [-1, 3]], y = [1, 0, 1];
    const split: Split = { x: Float32Array.from(x.flat()), y: Int32Array.from(y), n: 3 };
    const stepOf = (head: number, idx: number[], epoch: number): GradientStepContext =>
      ({ ...ctx, phase: 'training', taskGrads: {}, samples: { split, idx: Int32Array.from(idx), head }, position: { epoch, step: 0, steps: 1 } });
    const step = (head: number, idx: number[]) => method.afterStep(stepOf(head, idx, 0));
    const batch = (n: number) => ({ x: tf.zeros([n, 2]) }) as unknown as TapeBatch;
    expect(method.batchLoss(batch(4), stepOf(1, [], 0))).toBeNull();                   // empty memory
    step(0, [0, 1]);                                                        // samples 0, 1 trained with head 0
    step(1, [2]);                                                           // sample 2 with head 1
    const W = net.heads.map((h) => h.W.dataSync()), b = net.heads.map((h) => h.b.dataSync());
    const want = (handCE(W[0], b[0], x.slice(0, 2), y.slice(0, 2)) * 2 + handCE(W[1], b[1], x.slice(2), y.slice(2))) / 3;
    const got = tf.tidy(() => method.batchLoss(batch(4), stepOf(1, [], 0))!.dataSync()[0]);
    expect(got).toBeCloseTo((3 / 4) * want, 5);
    expect(method.diagnostics().memory).toMatchObject({ capacity: 3, stored: 3, offered: 3, bytes: 3 * (2 * 4 + 8), perHead: { 0: 2, 1: 1 } });
    step(0, [0]);                                                           // a second epoch's step is not offered
    method.afterStep(stepOf(0, [1], 1));
    expect(method.memory.seen).toBe(4);
    net.dispose();
  });
});

describe('er in a continual run', () => {
  for (const incremental of ['task', 'class'] as const) {
    it(`trains 2 tasks of split MNIST (${incremental}-incremental): memory bounded, only training samples offered once, no leaked tensor after any task`, async () => {
      const scenario = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental, tasks: 2, classesPerTask: 2 },
        { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 100 });
      const method = er.create(er.hyperparameters.parse({ memorySize: 50 })) as Er;
      const before = tf.memory().numTensors, counts: number[] = [];
      const res = await trainContinual({
        scenario, network: { layers: [{ type: 'dense', units: 16 }] }, training: { ...training, epochs: 2 }, method, rng: new Rng(3),
        onTaskEnd: () => { counts.push(tf.memory().numTensors); },
      });
      expect(counts[1]).toBe(counts[0]);                                   // the memory holds no tensor
      expect(tf.memory().numTensors).toBe(before);
      expect(res.accuracyMatrix[0][0]).toBeGreaterThan(0.7);
      expect(res.accuracyMatrix[1][1]).toBeGreaterThan(0.7);
      const trainN = scenario.tasks[0].train.n + scenario.tasks[1].train.n;
      expect(res.diagnostics.memory).toMatchObject({ capacity: 50, stored: 50, offered: trainN, bytes: 50 * (784 * 4 + 8) });
      const perHead = (res.diagnostics.memory as { perHead: Record<number, number> }).perHead;
      if (incremental === 'task') expect(perHead[0] + perHead[1]).toBe(50); else expect(perHead).toEqual({ 0: 50 });
    });
  }
});
