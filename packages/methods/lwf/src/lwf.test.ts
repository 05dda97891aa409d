import { buildNetwork, initBackend, Network, Rng, tf, trainContinual, type MethodContext, type Scenario, type Split, type TapeBatch, type TaskData } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { distillation, lwf, type Lwf } from './lwf.js';

beforeAll(async () => { await initBackend('wasm'); });

const training = { optimizer: 'adam' as const, lr: 5e-3, epochs: 1, batchSize: 16, validationFraction: 0.1, budget: 'consolidation-extra' as const };

/** −Σ_i softmax(z_o/T)_i log softmax(z/T)_i for one row, float64. */
function handKD(z: number[], zo: number[], T: number): number {
  const soft = (v: number[]) => { const e = v.map((x) => Math.exp(x / T)), s = e.reduce((a, b) => a + b, 0); return e.map((x) => x / s); };
  const p = soft(z), q = soft(zo);
  return -q.reduce((s, qi, i) => s + qi * Math.log(p[i]), 0);
}

/** Logits of head k by hand: relu(x W0 + b0) Wk + bk, with the weights given as arrays. */
function handLogits(w: { W0: Float32Array; b0: Float32Array; heads: { W: Float32Array; b: Float32Array }[] }, x: number[], k: number): number[] {
  const U = w.b0.length, h = Array.from({ length: U }, (_, u) => Math.max(0, w.b0[u] + x.reduce((s, v, i) => s + v * w.W0[i * U + u], 0)));
  const { W, b } = w.heads[k], K = b.length;
  return Array.from({ length: K }, (_, c) => b[c] + h.reduce((s, v, u) => s + v * W[u * K + c], 0));
}
const weights = (net: Network) => ({
  W0: Float32Array.from(net.layers[0].W.dataSync()), b0: Float32Array.from(net.layers[0].b.dataSync()),
  heads: net.heads.map((h) => ({ W: Float32Array.from(h.W.dataSync()), b: Float32Array.from(h.b.dataSync()) })),
});
const task = (id: number, y: number[]): TaskData => {
  const s: Split = { x: new Float32Array(y.length * 3), y: Int32Array.from(y), n: y.length };
  return { id, name: `t${id}`, classes: [...new Set(y)], train: s, validation: s, test: s };
};
/** The tape batch the trainer would pass for inputs xs on head `head`. */
function tapeBatch(net: Network, xs: number[][], head: number): TapeBatch {
  const x = tf.tensor2d(xs), { logits, features, activations } = net.forward(x, head, false);
  return { x, y: tf.zeros([xs.length], 'int32'), head, logits, features, activations };
}
const xs = [[1, -0.5, 2], [0.3, 0.8, -1.2]];

describe('LwF distillation (Li & Hoiem 2017, Eq. 2)', () => {
  it('equals −(1/N) Σ_n Σ_i softmax(z_o/T)_i log softmax(z/T)_i by hand', () => {
    const z = [[1, 2, 0], [-0.5, 0.25, 3]], zo = [[0.5, -1, 2], [1, 1, -2]];
    const got = tf.tidy(() => distillation(tf.tensor2d(z), tf.tensor2d(zo), 2).dataSync()[0]);
    expect(got).toBeCloseTo((handKD(z[0], zo[0], 2) + handKD(z[1], zo[1], 2)) / 2, 5);
  });

  it('task-incremental: λ · Σ over the old tasks\' heads (not the current one) of the frozen copy\'s targets, by hand', () => {
    const net = buildNetwork({ layers: [{ type: 'dense', units: 4 }] }, [3], [2, 2, 2], new Rng(5));
    const scenario: Scenario = { name: 'hand-made', incremental: 'task', inputShape: [3], headOutputs: [2, 2, 2], tasks: [] };
    const ctx: MethodContext = { net, scenario, training, rng: new Rng(1), taskId: 2, head: 2, finished: [task(0, [0, 1]), task(1, [1, 0])], warn: () => {} };
    const method = lwf.create(lwf.hyperparameters.parse({ lambda: 0.7, temperature: 2 })) as Lwf;
    method.beforeTask(task(2, [0]), ctx);
    const old = weights(net);
    tf.tidy(() => { const W = net.layers[0].W; W.assign(W.add(tf.randomNormal(W.shape, 0, 0.3, 'float32', 8))); }); // θ_s moves
    const now = weights(net);
    let want = 0;
    for (const k of [0, 1]) for (const x of xs) want += 0.7 * handKD(handLogits(now, x, k), handLogits(old, x, k), 2) / xs.length;
    const got = tf.tidy(() => method.batchLoss(tapeBatch(net, xs, 2), ctx)!.dataSync()[0]);
    expect(got).toBeCloseTo(want, 4);
    method.dispose(); net.dispose();
  });

  it('class-incremental: only the old classes\' logits of the shared head are distilled', () => {
    const net = buildNetwork({ layers: [{ type: 'dense', units: 4 }] }, [3], [4], new Rng(6));
    const scenario: Scenario = { name: 'hand-made', incremental: 'class', inputShape: [3], headOutputs: [4], tasks: [] };
    const ctx: MethodContext = { net, scenario, training, rng: new Rng(1), taskId: 1, head: 0, finished: [task(0, [0, 1, 1])], warn: () => {} };
    const method = lwf.create(lwf.hyperparameters.parse({})) as Lwf;
    expect(method.batchLoss(tapeBatch(net, xs, 0), ctx)).toBeNull();      // no previous model yet
    method.beforeTask(task(1, [2, 3]), ctx);
    const old = weights(net);
    const loss = () => tf.tidy(() => method.batchLoss(tapeBatch(net, xs, 0), ctx)!.dataSync()[0]);
    const hand = () => { const now = weights(net); return xs.reduce((s, x) => s + handKD(handLogits(now, x, 0).slice(0, 2), handLogits(old, x, 0).slice(0, 2), 2), 0) / xs.length; };
    const atCopy = loss();
    expect(atCopy).toBeCloseTo(hand(), 5);                                 // the entropy of the targets
    const b = net.heads[0].b;
    tf.tidy(() => b.assign(b.add(tf.tensor1d([0, 0, 5, -5]))));           // new classes' logits: no effect
    expect(loss()).toBeCloseTo(atCopy, 5);
    tf.tidy(() => b.assign(b.add(tf.tensor1d([1, -1, 0, 0]))));           // old classes' logits: the loss rises (KL > 0)
    expect(loss()).toBeGreaterThan(atCopy + 0.01);
    expect(loss()).toBeCloseTo(hand(), 5);
    method.dispose(); net.dispose();
  });
});

describe('lwf in a continual run', () => {
  for (const incremental of ['task', 'domain', 'class'] as const) {
    it(`trains 2 tasks of split MNIST (${incremental}-incremental), no leaked tensor after any task`, async () => {
      const scenario = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental, tasks: 2, classesPerTask: 2 },
        { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 100 });
      const method = lwf.create(lwf.hyperparameters.parse({}));
      const before = tf.memory().numTensors, counts: number[] = [];
      const res = await trainContinual({
        scenario, network: { layers: [{ type: 'dense', units: 16 }] }, training, method, rng: new Rng(3),
        onTaskEnd: () => { counts.push(tf.memory().numTensors); },
      });
      expect(counts[1]).toBe(counts[0] + 2 + 2 * scenario.headOutputs.length); // the frozen copy θ_o: l0.W, l0.b and every head's W, b
      expect(tf.memory().numTensors).toBe(before);
      expect(res.accuracyMatrix[0][0]).toBeGreaterThan(0.7);
      expect(res.diagnostics).toMatchObject(incremental === 'task' ? { distilledHeads: [0, 1] } : { distilledLabels: [0, 2] });
    });
  }
});
