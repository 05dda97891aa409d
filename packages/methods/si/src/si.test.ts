import { initBackend, Network, Rng, tf, trainContinual, type GradientStepContext, type MethodContext, type Scenario, type Split, type TaskData } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { si, type Si } from './si.js';

beforeAll(async () => { await initBackend('wasm'); });

const training = { optimizer: 'sgd' as const, lr: 0.1, epochs: 1, batchSize: 32, validationFraction: 0.1, budget: 'consolidation-extra' as const };

/** A single shared head with parameters W [2, 2], b [2]: the shared parameters SI tracks. */
function net(): Network {
  return new Network([2], [], [{ W: tf.variable(tf.tensor2d([[1, -2], [0.5, 3]])), b: tf.variable(tf.tensor1d([-1, 2])) }], new Rng(0));
}
function ctxOf(n: Network): MethodContext {
  const scenario: Scenario = { name: 'hand', incremental: 'domain', inputShape: [2], headOutputs: [2], tasks: [] };
  return { net: n, scenario, training, rng: new Rng(1), taskId: 0, head: 0, finished: [], warn: () => {} };
}
/** The context the trainer gives afterStep for a training step with task gradients `taskGrads`. */
function stepOf(ctx: MethodContext, taskGrads: Record<string, tf.Tensor>): GradientStepContext {
  const samples = { split: { n: 0 } as Split, idx: new Int32Array(0), head: 0 };
  return { ...ctx, phase: 'training', position: { epoch: 0, step: 0, steps: 1 }, samples, taskGrads };
}
const task = { id: 0 } as TaskData;
const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('SI on a quadratic whose path integral is known by hand', () => {
  it('SGD on L = a/2·Σ(θ − θ₀)²: ω = lr·a²·d₀²·(1 − r^{2K})/(1 − r²), Ω = ω/(d₀²(1 − r^K)² + ξ)', () => {
    const n = net(), ctx = ctxOf(n), shared = n.sharedParams();
    const hp = si.hyperparameters.parse({ c: 2, xi: 0.1 });
    const method = si.create(hp) as Si;
    const a = 0.8, lr = 0.3, K = 7, r = 1 - lr * a;
    const target: Record<string, tf.Tensor> = { 'head0.W': tf.tensor2d([[0, 0], [1, 1]]), 'head0.b': tf.tensor1d([0.5, 0]) };
    const d0 = Object.fromEntries(shared.map((p) => [p.name, values(p.variable).map((v, i) => v - target[p.name].dataSync()[i])]));
    method.beforeTask(task, ctx);
    for (let k = 0; k < K; k++) {
      tf.tidy(() => {
        const g = Object.fromEntries(shared.map((p) => [p.name, p.variable.sub(target[p.name]).mul(a)])); // ∂L/∂θ at the step's start
        for (const p of shared) p.variable.assign(p.variable.sub(g[p.name].mul(lr)));
        method.afterStep(stepOf(ctx, g));
      });
    }
    for (const p of shared) {
      const want = d0[p.name].map((d) => (lr * a * a * d * d * (1 - r ** (2 * K))) / (1 - r * r));
      values(method.omega[p.name]).forEach((w, i) => expect(w).toBeCloseTo(want[i], 4));
    }
    method.afterTask(task, ctx);
    for (const p of shared) {
      const Omega = d0[p.name].map((d) => ((lr * a * a * d * d * (1 - r ** (2 * K))) / (1 - r * r)) / (d * d * (1 - r ** K) ** 2 + 0.1));
      values(method.importance![p.name]).forEach((w, i) => expect(w).toBeCloseTo(Omega[i], 4));
      expect(values(method.omega[p.name])).toEqual([0, 0, 0, 0].slice(0, p.variable.size)); // ω reset
      expect(values(method.anchor![p.name])).toEqual(values(p.variable));
    }
    tf.dispose(Object.values(target)); method.dispose(); n.dispose();
  });

  it('ω uses the task gradient only, with the actual (regularised) step: ω −= g_task·Δθ, not g_total', () => {
    const n = net(), ctx = ctxOf(n), shared = n.sharedParams();
    const method = si.create(si.hyperparameters.parse({ c: 5, xi: 0.1 })) as Si;
    method.beforeTask(task, ctx);
    tf.tidy(() => { for (const p of shared) { const g = tf.onesLike(p.variable); p.variable.assign(p.variable.sub(g.mul(0.2))); method.afterStep(stepOf(ctx, { [p.name]: g })); } });
    method.afterTask(task, ctx); // now Ω > 0 and θ* = θ
    method.beforeTask(task, ctx);
    tf.tidy(() => { for (const p of shared) p.variable.assign(p.variable.add(0.5)); method.afterStep(stepOf(ctx, {})); }); // move away from θ*, no task loss
    const expected = shared.map((p) => new Float64Array(p.variable.size));
    for (let k = 0; k < 3; k++) {
      tf.tidy(() => {
        const gTask = Object.fromEntries(shared.map((p) => [p.name, tf.fill(p.variable.shape, 0.3 * (k + 1))]));
        const { grads: gPen } = tf.variableGrads(() => method.penalty(ctx)!, shared.map((p) => p.variable));
        shared.forEach((p, j) => {
          const step = gTask[p.name].add(gPen[p.variable.name]).mul(0.05);       // the optimiser follows the total gradient
          const dTheta = step.neg().dataSync(), g = gTask[p.name].dataSync();
          dTheta.forEach((d, i) => { expected[j][i] -= g[i] * d; });
          p.variable.assign(p.variable.sub(step));
        });
        method.afterStep(stepOf(ctx, gTask));
      });
    }
    shared.forEach((p, j) => values(method.omega[p.name]).forEach((w, i) => expect(w).toBeCloseTo(expected[j][i], 5)));
    method.dispose(); n.dispose();
  });

  it('penalty: null before the first consolidation, then c·ΣΩ(θ − θ*)² (no ½) with gradient 2cΩ(θ − θ*)', () => {
    const n = net(), ctx = ctxOf(n), shared = n.sharedParams();
    const method = si.create(si.hyperparameters.parse({ c: 3 })) as Si;
    method.beforeTask(task, ctx);
    expect(method.penalty(ctx)).toBeNull();
    tf.tidy(() => { for (const p of shared) { const g = tf.onesLike(p.variable); p.variable.assign(p.variable.sub(g.mul(0.4))); method.afterStep(stepOf(ctx, { [p.name]: g })); } });
    method.afterTask(task, ctx);
    tf.tidy(() => { for (const p of shared) p.variable.assign(p.variable.add(0.25)); });
    const { value, grads } = tf.variableGrads(() => method.penalty(ctx)!, shared.map((p) => p.variable));
    let want = 0;
    for (const p of shared) {
      const O = values(method.importance![p.name]);
      O.forEach((o) => { want += 3 * o * 0.0625; expect(o).toBeGreaterThan(0); });
      values(grads[p.variable.name]).forEach((g, i) => expect(g).toBeCloseTo(2 * 3 * O[i] * 0.25, 4)); // > 0: back towards θ* = θ − 0.25
    }
    expect(value.dataSync()[0]).toBeCloseTo(want, 4);
    tf.dispose([value, ...Object.values(grads)]); method.dispose(); n.dispose();
  });
});

describe('SI in a continual run', () => {
  it('accumulates Ω from the trainer\'s task gradients and leaks no tensor', async () => {
    const sc = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'task', tasks: 3, classesPerTask: 2 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 40 });
    const method = si.create(si.hyperparameters.parse({})) as Si;
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    const res = await trainContinual({
      scenario: sc, network: { layers: [{ type: 'dense', units: 16 }] }, training: { ...training, optimizer: 'adam', lr: 1e-3 }, method, rng: new Rng(3),
      onTaskEnd: () => counts.push(tf.memory().numTensors),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(counts[1]).toBe(counts[0]);
    expect(counts[2]).toBe(counts[1]);
    const d = res.diagnostics as { omegaMean: number[]; consolidationSeconds: number[] };
    expect(d.omegaMean).toHaveLength(3);
    expect(d.omegaMean[0]).toBeGreaterThan(0);
    expect(d.omegaMean[2]).toBeGreaterThan(d.omegaMean[0]);
  });
});
