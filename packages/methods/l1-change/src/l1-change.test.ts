import { buildNetwork, initBackend, Rng, rowsOf, tf, trainContinual, type MethodContext, type Network, type Scenario, type Split, type TaskData } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { l1Change, type L1Change } from './l1-change.js';

beforeAll(async () => { await initBackend('wasm'); });

const training = { optimizer: 'adam' as const, lr: 5e-3, epochs: 1, batchSize: 16, validationFraction: 0.1, budget: 'consolidation-extra' as const };

/** Fraction of `split` that head `head` classifies correctly, counted here: logits of every sample, arg-max in JS (first of ties). */
function accuracyByHand(net: Network, split: Split, head: number): number {
  const D = net.inputShape.reduce((a, b) => a * b, 1);
  const logits = tf.tidy(() => net.forward(tf.tensor2d(rowsOf(split, Array.from({ length: split.n }, (_, i) => i)), [split.n, D]), head).logits.dataSync());
  const K = logits.length / split.n;
  let correct = 0;
  for (let i = 0; i < split.n; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (logits[i * K + k] > logits[i * K + best]) best = k;
    if (best === split.y[i]) correct++;
  }
  return correct / split.n;
}

describe('l1-change penalty', () => {
  it('is null before the first task, then equals the formula computed by hand (value and gradient)', () => {
    // two heads (task-incremental): the shared parameters are the hidden layer's W [4, 3] and b [3]
    const net = buildNetwork({ layers: [{ type: 'dense', units: 3 }] }, [4], [2, 2], new Rng(1));
    const scenario: Scenario = { name: 'hand-made', incremental: 'task', inputShape: [4], headOutputs: [2, 2], tasks: [] };
    const ctx: MethodContext = { net, scenario, training, rng: new Rng(2), taskId: 0, head: 0, finished: [], warn: () => {} };
    const lambda = 0.5;
    const method = l1Change.create(l1Change.hyperparameters.parse({ lambda })) as L1Change;
    expect(method.penalty(ctx)).toBeNull();
    method.afterTask({} as TaskData, ctx);                             // θ* = θ

    // move each shared parameter by a known δ (zeros, positives and negatives)
    const shared = net.sharedParams();
    const delta = shared.map((p) => Float32Array.from({ length: p.variable.size }, (_, i) => ((i % 5) - 2) * 0.1));
    tf.tidy(() => shared.forEach((p, k) => p.variable.assign(p.variable.add(tf.tensor(delta[k], p.variable.shape)))));
    const { value, grads } = tf.variableGrads(() => method.penalty(ctx)!, shared.map((p) => p.variable));

    // the formula by hand: λ · Σ |δ|, gradient λ · sign(δ): 0 where δ = 0 (tf.abs would give −λ there)
    const want = delta.reduce((s, d) => s + d.reduce((t, x) => t + lambda * Math.abs(x), 0), 0);
    expect(want).toBeGreaterThan(0);
    expect(value.dataSync()[0]).toBeCloseTo(want, 5);
    shared.forEach((p, k) => grads[p.variable.name].dataSync().forEach((g, i) => expect(g).toBe(lambda * Math.sign(delta[k][i]))));

    // and against central finite differences, away from the kink (h < |δ|)
    const h = 0.01, W = shared[0].variable, i = 1;                    // δ = −0.1 at W[0, 1]
    const at = (dx: number) => tf.tidy(() => {
      W.assign(W.add(tf.tensor(Float32Array.from({ length: W.size }, (_, j) => (j === i ? dx : 0)), W.shape)));
      return method.penalty(ctx)!.dataSync()[0];
    });
    const fd = (at(h) - at(-2 * h)) / (2 * h);                         // P(θ + h) − P(θ − h), then back to θ − h
    at(h);
    expect(fd).toBeCloseTo(grads[W.name].dataSync()[i], 3);
    tf.dispose([value, ...Object.values(grads)]);
    method.dispose(); net.dispose();
  });
});

describe('l1-change in a continual run', () => {
  it('trains 2 tasks of split MNIST: R[i][j] is the accuracy after task i on task j\'s test set with head j (counted by hand), task 0 learnt, no leaked tensor', async () => {
    const scenario = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'task', tasks: 2, classesPerTask: 2 },
      { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 100 });
    const before = tf.memory().numTensors;
    const byHand: number[][] = [];
    const res = await trainContinual({
      scenario, network: { layers: [{ type: 'dense', units: 16 }] }, training,
      method: l1Change.create(l1Change.hyperparameters.parse({})), rng: new Rng(3),
      // the network as it stands after task t (afterTask done), on every task's test split, task j with its own head j
      onTaskEnd: (t, net) => { byHand.push(scenario.tasks.map((task, j) => accuracyByHand(net, task.test, j))); },
    });
    expect(res.accuracyMatrix).toEqual(byHand);
    expect(res.accuracyMatrix[0][0]).toBeGreaterThan(0.7);             // digits 0 vs 1
    expect(tf.memory().numTensors).toBe(before);
  });

  it('holds the shared weights near θ*: Σ|θ − θ*| after task 1 shrinks as λ grows', async () => {
    const scenario = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'domain', tasks: 2, classesPerTask: 2 },
      { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 100 });
    const change = async (lambda: number) => {
      let anchor: Float32Array[] = [], moved = 0;
      await trainContinual({
        scenario, network: { layers: [{ type: 'dense', units: 16 }] }, training, rng: new Rng(3),
        method: l1Change.create(l1Change.hyperparameters.parse({ lambda })),
        onTaskEnd: (t, net) => {
          const now = net.sharedParams().map((p) => p.variable.dataSync() as Float32Array);
          if (t === 0) anchor = now;                                   // θ* = θ after task 0
          else moved = now.reduce((s, w, k) => s + w.reduce((u, x, i) => u + Math.abs(x - anchor[k][i]), 0), 0);
        },
      });
      return moved;
    };
    const [weak, strong] = [await change(1e-4), await change(0.1)];
    expect(weak).toBeGreaterThan(0);
    expect(strong).toBeLessThan(weak / 2);
  });
});
