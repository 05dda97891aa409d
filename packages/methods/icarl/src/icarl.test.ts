import { buildNetwork, headOf, initBackend, Rng, rowsOf, tf, trainContinual, type MethodContext, type Network, type Scenario, type Split, type TaskData } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { icarl, type Icarl } from './icarl.js';

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

describe('icarl penalty', () => {
  it('is null before the first task, then equals the formula computed by hand (value and gradient)', () => {
    // two heads (task-incremental): the shared parameters are the hidden layer's W [4, 3] and b [3]
    const net = buildNetwork({ layers: [{ type: 'dense', units: 3 }] }, [4], [2, 2], new Rng(1));
    const scenario: Scenario = { name: 'hand-made', incremental: 'task', inputShape: [4], headOutputs: [2, 2], tasks: [] };
    const ctx: MethodContext = { net, scenario, training, rng: new Rng(2), taskId: 0, head: 0, finished: [], warn: () => {} };
    const lambda = 0.5;
    const method = icarl.create(icarl.hyperparameters.parse({ lambda })) as Icarl;
    expect(method.penalty(ctx)).toBeNull();
    method.afterTask({} as TaskData, ctx);                             // θ* = θ

    // move each shared parameter by a known δ (zeros, positives and negatives)
    const shared = net.sharedParams();
    const delta = shared.map((p) => Float32Array.from({ length: p.variable.size }, (_, i) => ((i % 5) - 2) * 0.1));
    tf.tidy(() => shared.forEach((p, k) => p.variable.assign(p.variable.add(tf.tensor(delta[k], p.variable.shape)))));
    const { value, grads } = tf.variableGrads(() => method.penalty(ctx)!, shared.map((p) => p.variable));

    // the formula by hand: λ/2 · Σ δ², gradient λ · δ
    const want = delta.reduce((s, d) => s + d.reduce((t, x) => t + (lambda / 2) * x * x, 0), 0);
    expect(want).toBeGreaterThan(0);
    expect(value.dataSync()[0]).toBeCloseTo(want, 5);
    shared.forEach((p, k) => grads[p.variable.name].dataSync().forEach((g, i) => expect(g).toBeCloseTo(lambda * delta[k][i], 5)));
    tf.dispose([value, ...Object.values(grads)]);
    method.dispose(); net.dispose();
  });
});

describe('icarl in a continual run', () => {
  it('trains 2 tasks of split MNIST: R[i][j] is the accuracy after task i on task j\'s test set (counted by hand), task 0 learnt, no leaked tensor', async () => {
    const scenario = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'class', tasks: 2, classesPerTask: 2 },
      { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 100 });
    const before = tf.memory().numTensors;
    const byHand: number[][] = [];
    const res = await trainContinual({
      scenario, network: { layers: [{ type: 'dense', units: 16 }] }, training,
      method: icarl.create(icarl.hyperparameters.parse({})), rng: new Rng(3),
      // the network as it stands after task t (afterTask done), on every task's test split with that task's head
      onTaskEnd: (t, net) => { byHand.push(scenario.tasks.map((task) => accuracyByHand(net, task.test, headOf(scenario, task.id)))); },
    });
    expect(res.accuracyMatrix).toEqual(byHand);
    expect(res.accuracyMatrix[0][0]).toBeGreaterThan(0.7);             // digits 0 vs 1
    expect(tf.memory().numTensors).toBe(before);
  });
});
