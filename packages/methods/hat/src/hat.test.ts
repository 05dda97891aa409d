import { buildNetwork, initBackend, Rng, tf, trainContinual, type GradientStepContext, type MethodContext, type Network, type Scenario, type StepPosition, type Split, type TaskData } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { annealedSlope, compensation, hat, type Hat } from './hat.js';

beforeAll(async () => { await initBackend('wasm'); });

const training = { optimizer: 'adam' as const, lr: 5e-3, epochs: 1, batchSize: 16, validationFraction: 0.1, budget: 'consolidation-extra' as const };
const task = (id: number) => ({ id, name: `t${id}` }) as TaskData;

function handContext(net: Network, taskId: number): MethodContext {
  const scenario: Scenario = { name: 'hand-made', incremental: 'task', inputShape: [3], headOutputs: [2, 2], tasks: [] };
  return { net, scenario, training, rng: new Rng(1), taskId, head: taskId, finished: taskId ? [task(0)] : [], warn: () => {} };
}

/** The context the trainer gives a training step at `position` (HAT reads only the position). */
function stepAt(ctx: MethodContext, position: StepPosition): GradientStepContext {
  const samples = { split: { n: 0 } as Split, idx: new Int32Array(0), head: ctx.head };
  return { ...ctx, phase: 'training', position, samples, taskGrads: {} };
}

describe('HAT formulas (Serra et al. 2018) against hand computations', () => {
  it('anneals s from 1/s_max at the first batch to s_max at the last (Eq. 3)', () => {
    expect(annealedSlope(400, 0, 5)).toBeCloseTo(1 / 400, 12);
    expect(annealedSlope(400, 2, 5)).toBeCloseTo(1 / 400 + (400 - 1 / 400) / 2, 9);
    expect(annealedSlope(400, 4, 5)).toBe(400);
    expect(annealedSlope(400, 0, 1)).toBe(400);
  });

  it('compensates the embedding gradient by s_max [cosh(s e) + 1] / (s [cosh(e) + 1]) (Eq. 4), s·e clamped to ±50', () => {
    const e = [-0.3, 0, 0.2, 1], s = 3;
    const got = tf.tidy(() => Array.from(compensation(tf.tensor1d(e), s, 400).dataSync()));
    e.forEach((v, i) => expect(got[i] / ((400 * (Math.cosh(s * v) + 1)) / (s * (Math.cosh(v) + 1)))).toBeCloseTo(1, 5));
    const big = tf.tidy(() => compensation(tf.tensor1d([1]), 100, 400).dataSync()[0]);
    expect(big / ((400 * (Math.cosh(50) + 1)) / (100 * (Math.cosh(1) + 1)))).toBeCloseTo(1, 5);
  });

  it('conditions shared gradients on the cumulative mask, 1 − min(a_l,i, a_l−1,j) (Eq. 2), and regularises with c·R (Eq. 5)', () => {
    const net = buildNetwork({ layers: [{ type: 'dense', units: 4 }, { type: 'dense', units: 3 }] }, [3], [2, 2], new Rng(2));
    const method = hat.create(hat.hyperparameters.parse({ c: 0.5 })) as Hat;
    const ctx = handContext(net, 1);
    method.setup(ctx);
    const a0 = [1, 0, 0.5, 0], a1 = [0, 1, 0.25];                             // a^{<t} of layers 0 and 1, set by hand
    tf.dispose(method.cumulative);
    method.cumulative = [tf.keep(tf.tensor1d(a0)), tf.keep(tf.tensor1d(a1))];
    const own = method.beforeTask(task(1), ctx).params ?? [];
    expect(own.map((p) => p.name)).toEqual(['hat.e.l0', 'hat.e.l1']);        // the embeddings, stepped by the trainer
    const params = [...net.taskParams(1), ...own];
    const ones = Object.fromEntries(params.map((p) => [p.name, tf.onesLike(p.variable)]));
    tf.tidy(() => {
      const step = stepAt(ctx, { epoch: 0, step: 1, steps: 3 });
      const gates = method.unitGates(step);                                   // s = 1/400 + (400 − 1/400)/2
      const s = annealedSlope(400, 1, 3);
      const out = Object.fromEntries(Object.entries(method.transformGradients(ones, step)).map(([k, v]) => [k, Array.from(v.dataSync())]));
      // layer 0 reads the input (a = 1): factor 1 − a0[i]; W0 is [3 inputs, 4 units]
      for (let j = 0; j < 3; j++) for (let i = 0; i < 4; i++) expect(out['l0.W'][j * 4 + i]).toBeCloseTo(1 - a0[i], 6);
      // layer 1: W1 is [4 units of layer 0, 3 units]
      for (let j = 0; j < 4; j++) for (let i = 0; i < 3; i++) expect(out['l1.W'][j * 3 + i]).toBeCloseTo(1 - Math.min(a1[i], a0[j]), 6);
      expect(out['l0.b']).toEqual(a0.map((v) => 1 - v));
      expect(out['l1.b']).toEqual(a1.map((v) => 1 - v));
      expect(out['head1.W'].every((v) => v === 1)).toBe(true);              // the task's own head: not conditioned
      const e = own.map((p) => Array.from(p.variable.dataSync()));
      const coshClamped = (x: number) => Math.cosh(Math.min(50, Math.abs(x)));
      e[0].forEach((v, i) => expect(out['hat.e.l0'][i] / ((400 * (coshClamped(s * v) + 1)) / (s * (Math.cosh(v) + 1)))).toBeCloseTo(1, 4));
      // gates σ(s e) and R by hand
      const sig = (v: number) => 1 / (1 + Math.exp(-s * v));
      e.forEach((el, l) => el.forEach((v, i) => expect(gates[l].dataSync()[i]).toBeCloseTo(sig(v), 5)));
      const prev = [a0, a1];
      let num = 0, den = 0;
      e.forEach((el, l) => el.forEach((v, i) => { num += sig(v) * (1 - prev[l][i]); den += 1 - prev[l][i]; }));
      expect(method.penalty(step)!.dataSync()[0]).toBeCloseTo((0.5 * num) / den, 5);
      // every hook reads s from the step it is given, not from an earlier call: the last batch has s = s_max
      const last = stepAt(ctx, { epoch: 0, step: 2, steps: 3 });
      const sigMax = (v: number) => 1 / (1 + Math.exp(-400 * v));
      let numMax = 0;
      e.forEach((el, l) => el.forEach((v, i) => { numMax += sigMax(v) * (1 - prev[l][i]); }));
      expect(method.penalty(last)!.dataSync()[0]).toBeCloseTo((0.5 * numMax) / den, 5);
    });
    tf.dispose(Object.values(ones));
    method.dispose(); net.dispose();
  });
});

describe('hat in a continual run', () => {
  it('task 0\'s logits survive task 1 where its masks are binary; units are counted like CLNP\'s; no leaked tensor', async () => {
    const scenario = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'task', tasks: 2, classesPerTask: 2 },
      { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 100 });
    const method = hat.create(hat.hyperparameters.parse({})) as Hat;
    const probe = scenario.tasks[0].test, n = 50, D = 784;
    const logits: Float32Array[] = [], counts: number[] = [], gates: number[][] = [];
    const before = tf.memory().numTensors;
    const res = await trainContinual({
      scenario, network: { layers: [{ type: 'dense', units: 32 }, { type: 'dense', units: 32 }] }, training: { ...training, epochs: 2 }, method, rng: new Rng(3),
      onTaskEnd: (t, net) => {
        counts.push(tf.memory().numTensors);
        logits.push(tf.tidy(() => Float32Array.from(net.forward(tf.tensor2d(probe.x.subarray(0, n * D), [n, D]), 0).logits.dataSync())));
        if (t === 0) for (const l of net.layers) gates.push(Array.from(l.headUnitMasks.get(0)!.dataSync()));
      },
    });
    expect(tf.memory().numTensors).toBe(before);
    // after task 1: + one head unit mask per layer (task 1's), + the conditioning factors of l0.W, l0.b, l1.W, l1.b (kept until the next task)
    expect(counts[1] - counts[0]).toBe(2 + 4);
    const nonBinary = gates.flat().filter((g) => g !== 0 && g !== 1).length;
    // σ(400 e) is exactly 0 or 1 in float32 for e < −0.26 or e > 0.043; here 2 of 64 gates are not
    // (measured 0.12 and 0.998). Such a unit's weights keep a partly conditioned gradient (1 − a),
    // which Adam does not scale down, so bit-exactness is not guaranteed: the tolerance is 1e-5.
    // (Measured: 0 — task 1's own gate is ≈ 0 on those units, so their gradient underflows.)
    expect(nonBinary).toBeLessThanOrEqual(64 / 10);
    expect((res.diagnostics.nonBinaryGates as number[][])[0].reduce((a, b) => a + b, 0)).toBe(nonBinary);
    let worst = 0;
    for (let i = 0; i < logits[0].length; i++) worst = Math.max(worst, Math.abs(logits[1][i] - logits[0][i]));
    expect(worst).toBeLessThanOrEqual(1e-5);
    expect(res.accuracyMatrix[1][0]).toBe(res.accuracyMatrix[0][0]);
    expect(res.accuracyMatrix[1][1]).toBeGreaterThan(0.7);
    const units = (res.diagnostics.units as { layers: { task: number; layer: number; free: number; active: number; reused: number }[] }).layers;
    for (let l = 0; l < 2; l++) {
      const used0 = gates[l].filter((g) => g > 0.5).length;
      expect(units.find((u) => u.task === 0 && u.layer === l)).toEqual({ task: 0, layer: l, free: 32 - used0, active: used0, reused: 0 });
      const t1 = units.find((u) => u.task === 1 && u.layer === l)!;
      expect(t1.free).toBe(32 - used0 - t1.active);
    }
  });
});
