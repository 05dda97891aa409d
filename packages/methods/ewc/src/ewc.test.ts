import {
  buildNetwork, fisherDiagonal, initBackend, Network, Rng, tf, trainContinual,
  type MethodContext, type Scenario, type Split, type TaskData,
} from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { ewc, type Ewc } from './ewc.js';

beforeAll(async () => { await initBackend('wasm'); });

const training = { optimizer: 'adam' as const, lr: 1e-3, epochs: 1, batchSize: 32, validationFraction: 0.1, budget: 'consolidation-extra' as const };

function randomSplit(n: number, D: number, K: number, seed: number, scale = 1): Split {
  const rng = new Rng(seed), x = new Float32Array(n * D), y = new Int32Array(n);
  for (let i = 0; i < x.length; i++) x[i] = scale * rng.normal();
  for (let i = 0; i < n; i++) y[i] = rng.int(K);
  return { x, y, n };
}

/** Softmax-linear model p = softmax(xW + b): a network with no hidden layer and one (shared) head. */
function softmaxLinear(D: number, K: number, seed: number): Network {
  const rng = new Rng(seed), w = new Float32Array(D * K).map(() => 0.5 * rng.normal()), b = new Float32Array(K).map(() => 0.3 * rng.normal());
  return new Network([D], [], [{ W: tf.variable(tf.tensor2d(w, [D, K])), b: tf.variable(tf.tensor1d(b)) }], rng.fork('dropout'));
}

/** Closed form of the exact Fisher of softmax(xW + b), in float64:
 *  ∂log p_c/∂W_ij = x_i (1[c=j] − p_j)  ⇒  Σ_c p_c (∂log p_c/∂W_ij)² = x_i² p_j (1 − p_j);  F_b,j = p_j (1 − p_j). */
function closedFormFisher(net: Network, s: Split): { W: Float64Array; b: Float64Array } {
  const W = net.heads[0].W.dataSync(), b = net.heads[0].b.dataSync(), K = b.length, D = W.length / K;
  const FW = new Float64Array(D * K), Fb = new Float64Array(K);
  for (let n = 0; n < s.n; n++) {
    const z = Array.from({ length: K }, (_, j) => { let v = b[j]; for (let i = 0; i < D; i++) v += s.x[n * D + i] * W[i * K + j]; return v; });
    const m = Math.max(...z), e = z.map((v) => Math.exp(v - m)), Z = e.reduce((a, v) => a + v, 0), p = e.map((v) => v / Z);
    for (let j = 0; j < K; j++) {
      const v = p[j] * (1 - p[j]);
      Fb[j] += v / s.n;
      for (let i = 0; i < D; i++) FW[i * K + j] += (s.x[n * D + i] ** 2 * v) / s.n;
    }
  }
  return { W: FW, b: Fb };
}

function maxRelErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (1e-7 + Math.abs(want[i])));
  return worst;
}

describe('exact Fisher of a softmax-linear model equals its closed form x_i² p_j (1 − p_j)', () => {
  for (const mode of ['auto', 'loop'] as const) {
    it(`${mode} path`, () => {
      const net = softmaxLinear(5, 4, 1), s = randomSplit(23, 5, 4, 2);
      expect(net.sharedParams().map((p) => p.name)).toEqual(['head0.W', 'head0.b']);
      const F = fisherDiagonal(net, s, { head: 0, params: net.sharedParams(), variant: 'exact', mode, batchSize: 10 });
      const want = closedFormFisher(net, s);
      expect(maxRelErr(F.values['head0.W'].dataSync(), want.W)).toBeLessThan(1e-4);
      expect(maxRelErr(F.values['head0.b'].dataSync(), want.b)).toBeLessThan(1e-4);
      expect(F.samples).toBe(23);
      tf.dispose(Object.values(F.values)); net.dispose();
    });
  }
});

describe('sampled Fisher', () => {
  it('is seeded, and over many draws approaches the exact Fisher (an argmax label would not)', () => {
    const net = softmaxLinear(3, 3, 4), base = randomSplit(3, 3, 3, 5, 0.5), reps = 3000;
    const s: Split = { x: new Float32Array(3 * 3 * reps), y: new Int32Array(3 * reps), n: 3 * reps };
    for (let r = 0; r < reps; r++) { s.x.set(base.x, r * 9); s.y.set(base.y, r * 3); }
    const opts = { head: 0, params: net.sharedParams(), batchSize: 1000 };
    const a = fisherDiagonal(net, s, { ...opts, variant: 'sampled', rng: new Rng(9) });
    const b = fisherDiagonal(net, s, { ...opts, variant: 'sampled', rng: new Rng(9) });
    expect(Array.from(a.values['head0.W'].dataSync())).toEqual(Array.from(b.values['head0.W'].dataSync()));
    const want = closedFormFisher(net, base);
    expect(maxRelErr(a.values['head0.b'].dataSync(), want.b)).toBeLessThan(0.1);
    expect(maxRelErr(a.values['head0.W'].dataSync(), want.W)).toBeLessThan(0.15);
    tf.dispose([...Object.values(a.values), ...Object.values(b.values)]); net.dispose();
  });
});

describe('empirical Fisher equals the mean of squared per-sample gradients computed one by one', () => {
  it('on a two-layer MLP with two heads (head 1, hidden layers only)', () => {
    const net = buildNetwork({ layers: [{ type: 'dense', units: 8 }, { type: 'dense', units: 6 }] }, [5], [2, 3], new Rng(6));
    const s = randomSplit(19, 5, 3, 7), shared = net.sharedParams();
    expect(shared.map((p) => p.name)).toEqual(['l0.W', 'l0.b', 'l1.W', 'l1.b']);
    const F = fisherDiagonal(net, s, { head: 1, params: shared, variant: 'empirical', batchSize: 8 });
    const want = shared.map((p) => new Float64Array(p.variable.size));
    for (let n = 0; n < s.n; n++) {
      tf.tidy(() => {
        const x = tf.tensor2d(s.x.subarray(n * 5, (n + 1) * 5), [1, 5]);
        const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(tf.oneHot([s.y[n]], 3), net.forward(x, 1).logits) as tf.Scalar, shared.map((p) => p.variable));
        shared.forEach((p, k) => grads[p.variable.name].dataSync().forEach((g, i) => { want[k][i] += g * g / s.n; }));
      });
    }
    shared.forEach((p, k) => expect(maxRelErr(F.values[p.name].dataSync(), want[k])).toBeLessThan(1e-4));
    tf.dispose(Object.values(F.values)); net.dispose();
  });
});

describe('argmax Fisher (Hsu et al. 2018\'s code) equals the empirical Fisher on labels set to the model\'s predictions', () => {
  it('on a two-layer MLP with two heads; and differs from the empirical Fisher on the true labels', () => {
    const net = buildNetwork({ layers: [{ type: 'dense', units: 8 }, { type: 'dense', units: 6 }] }, [5], [2, 3], new Rng(6));
    const s = randomSplit(19, 5, 3, 7), shared = net.sharedParams();
    const predicted = tf.tidy(() => net.forward(tf.tensor2d(s.x, [s.n, 5]), 1).logits.argMax(1).dataSync() as Int32Array); // by hand, one forward
    expect(predicted.some((c, i) => c !== s.y[i])).toBe(true);             // the true labels are not the predictions
    const argmax = fisherDiagonal(net, s, { head: 1, params: shared, variant: 'argmax', batchSize: 8 });
    const relabelled = fisherDiagonal(net, { ...s, y: Int32Array.from(predicted) }, { head: 1, params: shared, variant: 'empirical', batchSize: 8 });
    const onTrue = fisherDiagonal(net, s, { head: 1, params: shared, variant: 'empirical', batchSize: 8 });
    for (const p of shared) {
      expect(maxRelErr(argmax.values[p.name].dataSync(), Float64Array.from(relabelled.values[p.name].dataSync()))).toBeLessThan(1e-6);
      expect(maxRelErr(argmax.values[p.name].dataSync(), Float64Array.from(onTrue.values[p.name].dataSync()))).toBeGreaterThan(1e-3);
    }
    tf.dispose([argmax, relabelled, onTrue].flatMap((F) => Object.values(F.values))); net.dispose();
  });
});

function fakeContext(net: Network, taskId: number): MethodContext {
  const scenario: Scenario = { name: 'synthetic', incremental: 'task', inputShape: [5], headOutputs: [3, 3], tasks: [] };
  return { net, scenario, training, rng: new Rng(1), taskId, head: taskId, finished: [], warn: () => {} };
}
const task = (id: number, seed: number): TaskData => {
  const s = randomSplit(40, 5, 3, seed);
  return { id, name: `t${id}`, classes: [0, 1, 2], train: s, validation: s, test: s };
};

describe('EWC penalty', () => {
  it('is null before the first consolidation; after two it is Σ_t λ/2·Σ F_t(θ−θ*_t)², with gradient Σ_t λF_t(θ−θ*_t) pointing back to the anchors', () => {
    const net = buildNetwork({ layers: [{ type: 'dense', units: 8 }] }, [5], [3, 3], new Rng(2));
    const method = ewc.create(ewc.hyperparameters.parse({ lambda: 50 })) as Ewc;
    const shared = net.sharedParams();
    expect(method.penalty(fakeContext(net, 0))).toBeNull();
    const perturb = (seed: number) => tf.tidy(() => { for (const p of shared) p.variable.assign(p.variable.add(tf.randomNormal(p.variable.shape, 0, 0.2, 'float32', seed))); });
    method.afterTask(task(0, 3), fakeContext(net, 0));
    perturb(4);
    method.afterTask(task(1, 5), fakeContext(net, 1));
    perturb(6);
    const ctx = fakeContext(net, 2);
    const { value, grads } = tf.variableGrads(() => method.penalty(ctx)!, net.taskParams(1).map((p) => p.variable));
    expect(Object.keys(grads).sort()).toEqual(shared.map((p) => p.variable.name).sort()); // no head gets a penalty gradient
    let expected = 0, dot = 0;
    for (const p of shared) {
      const th = p.variable.dataSync(), g = grads[p.variable.name].dataSync(), want = new Float64Array(th.length);
      for (const { fisher, anchor } of method.terms) {
        const F = fisher[p.name].dataSync(), a = anchor[p.name].dataSync();
        for (let i = 0; i < th.length; i++) { expected += 25 * F[i] * (th[i] - a[i]) ** 2; want[i] += 50 * F[i] * (th[i] - a[i]); }
      }
      expect(maxRelErr(g, want)).toBeLessThan(1e-3);
      const a = method.terms[1].anchor[p.name].dataSync();
      for (let i = 0; i < th.length; i++) dot += g[i] * (th[i] - a[i]);
    }
    expect(value.dataSync()[0]).toBeGreaterThan(0);
    expect(value.dataSync()[0]).toBeCloseTo(expected, 4);
    expect(dot).toBeGreaterThan(0);
    // a small step against the gradient lowers the penalty
    const before = value.dataSync()[0];
    tf.tidy(() => { for (const p of shared) p.variable.assign(p.variable.sub(grads[p.variable.name].mul(1e-3))); });
    expect(tf.tidy(() => method.penalty(ctx)!.dataSync()[0])).toBeLessThan(before);
    tf.dispose([value, ...Object.values(grads)]);
    method.dispose(); net.dispose();
  });
});

describe('EWC in a continual run', () => {
  it('holds exactly one (F, θ*) per finished task, records its Fisher, and leaks no tensor', async () => {
    const sc = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'task', tasks: 3, classesPerTask: 2 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 40 });
    const method = ewc.create(ewc.hyperparameters.parse({})) as Ewc;
    const counts: number[] = [], terms: number[] = [];
    const before = tf.memory().numTensors;
    const res = await trainContinual({
      scenario: sc, network: { layers: [{ type: 'dense', units: 16 }] }, training, method, rng: new Rng(3),
      onTaskEnd: () => { counts.push(tf.memory().numTensors); terms.push(method.terms.length); },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(terms).toEqual([1, 2, 3]);
    expect(counts[1] - counts[0]).toBe(4); // F and θ* of l0.W, l0.b
    expect(counts[2] - counts[1]).toBe(4);
    const d = res.diagnostics as { fisher: string; perSampleGradients: string; fisherMean: number[]; fisherSamples: number[]; consolidationSeconds: number[] };
    expect(d.fisher).toBe('exact');
    expect(d.perSampleGradients).toBe('batched');
    expect(d.fisherSamples).toEqual(sc.tasks.map((t) => t.train.n));
    expect(d.fisherMean.every((m) => m > 0)).toBe(true);
    expect(d.consolidationSeconds).toHaveLength(3);
  });
});
