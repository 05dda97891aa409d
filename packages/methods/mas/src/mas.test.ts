import { buildNetwork, initBackend, Rng, tf, trainContinual, type MethodContext, type Network, type Scenario, type Split, type TaskData } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { mas, masImportance, type Mas } from './mas.js';

beforeAll(async () => { await initBackend('wasm'); });

const training = { optimizer: 'adam' as const, lr: 1e-3, epochs: 1, batchSize: 32, validationFraction: 0.1, budget: 'consolidation-extra' as const };

function randomSplit(n: number, D: number, seed: number): Split {
  const rng = new Rng(seed), x = new Float32Array(n * D);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  return { x, y: new Int32Array(n), n };
}
function ctxOf(net: Network, head: number): MethodContext {
  const scenario: Scenario = { name: 'synthetic', incremental: 'task', inputShape: [6], headOutputs: [3, 3], tasks: [] };
  return { net, scenario, training, rng: new Rng(1), taskId: head, head, finished: [], warn: () => {} };
}
const taskOf = (s: Split, id = 0): TaskData => ({ id, name: 't', classes: [], train: s, validation: s, test: s });

/** ‖f(x)‖² of sample n in float64 from plain arrays: ReLU hidden layers, then the head. */
function sqNorm(layers: { W: Float64Array; b: Float64Array; rows: number }[], x: ArrayLike<number>): number {
  let h = Array.from(x);
  layers.forEach((L, k) => {
    const units = L.b.length, out = Array.from(L.b);
    for (let i = 0; i < L.rows; i++) for (let u = 0; u < units; u++) out[u] += h[i] * L.W[i * units + u];
    h = k < layers.length - 1 ? out.map((v) => Math.max(0, v)) : out;
  });
  return h.reduce((a, v) => a + v * v, 0);
}

describe('MAS importance matches finite differences', () => {
  it('Ω = 1/N Σ_n |∂‖f(x_n)‖²/∂θ| (per sample, eval mode) for every shared parameter, on both paths', () => {
    const net = buildNetwork({ layers: [{ type: 'dense', units: 5 }, { type: 'dropout', rate: 0.5 }, { type: 'dense', units: 4 }] }, [6], [3, 3], new Rng(4));
    const s = randomSplit(9, 6, 5), head = 1, ctx = ctxOf(net, head);
    const fast = masImportance(ctx, taskOf(s)), loop = masImportance(ctx, taskOf(s), undefined, 'loop');
    const layers = [...net.layers.map((l) => ({ W: Float64Array.from(l.W.dataSync()), b: Float64Array.from(l.b.dataSync()), rows: l.rows })),
      { W: Float64Array.from(net.heads[head].W.dataSync()), b: Float64Array.from(net.heads[head].b.dataSync()), rows: net.heads[head].W.shape[0] }];
    const eps = 1e-6;
    let checked = 0, perBatchDiffers = false;
    net.sharedParams().forEach((p) => {
      const [l, kind] = p.name.split('.') as [string, 'W' | 'b'], arr = layers[Number(l.slice(1))][kind];
      const got = fast.values[p.name].dataSync(), got2 = loop.values[p.name].dataSync();
      for (let i = 0; i < arr.length; i++) {
        let sumAbs = 0, sum = 0;
        for (let n = 0; n < s.n; n++) {
          const x = s.x.subarray(n * 6, (n + 1) * 6), v = arr[i];
          arr[i] = v + eps; const up = sqNorm(layers, x);
          arr[i] = v - eps; const down = sqNorm(layers, x);
          arr[i] = v;
          const g = (up - down) / (2 * eps);
          sumAbs += Math.abs(g); sum += g;
        }
        const want = sumAbs / s.n;
        expect(Math.abs(got[i] - want)).toBeLessThan(1e-4 + 1e-3 * want);
        expect(Math.abs(got2[i] - want)).toBeLessThan(1e-4 + 1e-3 * want);
        if (Math.abs(Math.abs(sum) / s.n - want) > 0.1 * want) perBatchDiffers = true;
        checked++;
      }
    });
    expect(checked).toBe(6 * 5 + 5 + 5 * 4 + 4);
    expect(perBatchDiffers).toBe(true); // |mean gradient| would fail this test: the semantics are per sample
    tf.dispose([...Object.values(fast.values), ...Object.values(loop.values)]); net.dispose();
  });
});

describe('MAS penalty', () => {
  it('null before the first consolidation; then λ·ΣΩ(θ − θ*)² (no ½), gradient 2λΩ(θ − θ*); Ω accumulates over tasks', () => {
    const net = buildNetwork({ layers: [{ type: 'dense', units: 5 }] }, [6], [3, 3], new Rng(4));
    const method = mas.create(mas.hyperparameters.parse({ lambda: 2 })) as Mas, shared = net.sharedParams();
    expect(method.penalty(ctxOf(net, 0))).toBeNull();
    const s0 = randomSplit(12, 6, 1), s1 = randomSplit(12, 6, 2);
    method.afterTask(taskOf(s0, 0), ctxOf(net, 0));
    const om0 = masImportance(ctxOf(net, 0), taskOf(s0));
    tf.tidy(() => { for (const p of shared) p.variable.assign(p.variable.add(0.05)); });
    method.afterTask(taskOf(s1, 1), ctxOf(net, 1));
    const om1 = masImportance(ctxOf(net, 1), taskOf(s1));
    for (const p of shared) {
      const want = om0.values[p.name].dataSync(), w1 = om1.values[p.name].dataSync();
      method.importance![p.name].dataSync().forEach((v, i) => expect(v).toBeCloseTo(want[i] + w1[i], 5));
    }
    tf.tidy(() => { for (const p of shared) p.variable.assign(p.variable.sub(0.1)); });
    const { value, grads } = tf.variableGrads(() => method.penalty(ctxOf(net, 1))!, net.taskParams(1).map((p) => p.variable));
    expect(Object.keys(grads).sort()).toEqual(shared.map((p) => p.variable.name).sort());
    let want = 0;
    for (const p of shared) {
      const O = method.importance![p.name].dataSync(), g = grads[p.variable.name].dataSync();
      O.forEach((o, i) => { want += 2 * o * 0.01; expect(g[i]).toBeCloseTo(2 * 2 * o * -0.1, 4); });
    }
    expect(value.dataSync()[0]).toBeGreaterThan(0);
    expect(value.dataSync()[0]).toBeCloseTo(want, 3);
    tf.dispose([value, ...Object.values(grads), ...Object.values(om0.values), ...Object.values(om1.values)]);
    method.dispose(); net.dispose();
  });
});

describe('MAS in a continual run', () => {
  it('one Ω and one anchor, records its cost, leaks no tensor', async () => {
    const sc = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'task', tasks: 3, classesPerTask: 2 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 40 });
    const method = mas.create(mas.hyperparameters.parse({ samples: 50 })) as Mas;
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    const res = await trainContinual({
      scenario: sc, network: { layers: [{ type: 'dense', units: 16 }] }, training, method, rng: new Rng(3),
      onTaskEnd: () => counts.push(tf.memory().numTensors),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect([counts[1] - counts[0], counts[2] - counts[1]]).toEqual([0, 0]);
    const d = res.diagnostics as { importanceSamples: number[]; importanceMean: number[]; consolidationSeconds: number[] };
    expect(d.importanceSamples).toEqual([50, 50, 50]);
    expect(d.importanceMean[2]).toBeGreaterThan(d.importanceMean[0]);
    expect(d.consolidationSeconds).toHaveLength(3);
  });
});
