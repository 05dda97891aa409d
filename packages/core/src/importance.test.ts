import { beforeAll, describe, expect, it } from 'vitest';
import { quadraticPenalty, snapshot, disposeParamTensors } from './anchors.js';
import { initBackend, tf } from './backend.js';
import { fisherDiagonal, perSampleImportance, sampleSplit, type ImportanceOptions } from './importance.js';
import { buildNetwork, type Network } from './network.js';
import { Rng } from './rng.js';
import type { Split } from './task.js';

beforeAll(async () => { await initBackend('wasm'); });

function randomSplit(n: number, D: number, K: number, seed: number): Split {
  const rng = new Rng(seed), x = new Float32Array(n * D), y = new Int32Array(n);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  for (let i = 0; i < n; i++) y[i] = rng.int(K);
  return { x, y, n };
}

/** Two hidden layers, two heads of 3; a unit mask on layer 0 and a head-1 weight mask on layer 1. */
function maskedNet(): Network {
  const net = buildNetwork({ layers: [{ type: 'dense', units: 7 }, { type: 'dense', units: 5 }] }, [6], [3, 3], new Rng(3));
  net.layers[0].unitMask = tf.keep(tf.tensor1d([1, 1, 0, 1, 1, 1, 1]));
  const m = new Float32Array(7 * 5).map((_, i) => (i % 3 === 0 ? 0 : 1));
  net.setHeadWeightMask(1, 1, tf.tensor2d(m, [7, 5]));
  return net;
}

function compare(a: Record<string, tf.Tensor>, b: Record<string, tf.Tensor>): number {
  let worst = 0;
  for (const k of Object.keys(a)) {
    const x = a[k].dataSync(), y = b[k].dataSync();
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / (1e-6 + Math.abs(y[i])));
  }
  return worst;
}

describe('perSampleImportance: the batched outer-product path equals one backward pass per sample', () => {
  const split = randomSplit(37, 6, 3, 11);
  const cases: [string, Pick<ImportanceOptions, 'reduce' | 'term'>][] = [
    ['squares, weighted multi-column objective (exact Fisher)', {
      reduce: 'square', term: (logits) => ({ columns: 3, objective: (l) => tf.logSoftmax(l), weights: tf.softmax(logits) }),
    }],
    ['absolute values, one column (MAS)', {
      reduce: 'abs', term: () => ({ columns: 1, objective: (l) => l.square().sum(1, true) as tf.Tensor2D }),
    }],
  ];
  for (const [name, opts] of cases) {
    it(name, () => {
      const net = maskedNet();
      const before = tf.memory().numTensors;
      const common = { ...opts, head: 1, params: net.params(), batchSize: 16 };
      const fast = perSampleImportance(net, split, common), loop = perSampleImportance(net, split, { ...common, mode: 'loop' });
      expect([fast.path, loop.path]).toEqual(['batched', 'loop']);
      expect(Object.keys(fast.values).sort()).toEqual(net.params().map((p) => p.name).sort());
      expect(compare(fast.values, loop.values)).toBeLessThan(1e-4);
      // masked weights and the silenced unit's weights get exactly 0; others do not
      const w1 = fast.values['l1.W'].dataSync();
      expect(w1[0]).toBe(0); expect(w1[1]).toBeGreaterThan(0);
      const w0 = fast.values['l0.W'].dataSync();
      expect(w0[2]).toBe(0); expect(w0[1]).toBeGreaterThan(0);
      // head 0 was never used: its parameters get 0
      expect(Math.max(...fast.values['head0.W'].dataSync())).toBe(0);
      disposeParamTensors(fast.values, loop.values);
      expect(tf.memory().numTensors).toBe(before);
      net.dispose();
    });
  }
});

describe('sampleSplit', () => {
  it('returns the whole split when asked for at least n, else a seeded subset of distinct rows', () => {
    const s = randomSplit(50, 2, 2, 1);
    expect(sampleSplit(s, undefined, undefined)).toBe(s);
    expect(sampleSplit(s, 80, undefined)).toBe(s);
    const a = sampleSplit(s, 10, new Rng(5)), b = sampleSplit(s, 10, new Rng(5));
    expect(a.n).toBe(10); expect(Array.from(a.x)).toEqual(Array.from(b.x));
    const rows = new Set(Array.from({ length: 10 }, (_, k) => a.x[2 * k]));
    expect(rows.size).toBe(10);
  });
  it('a subset smaller than the split needs an rng', () => expect(() => sampleSplit(randomSplit(5, 1, 2, 1), 2, undefined)).toThrow(/rng/));
});

describe('fisherDiagonal', () => {
  it('the sampled variant needs an rng', () => {
    const net = maskedNet();
    expect(() => fisherDiagonal(net, randomSplit(4, 6, 3, 1), { head: 0, params: net.params(), variant: 'sampled' })).toThrow(/rng/);
    net.dispose();
  });
});

describe('quadraticPenalty', () => {
  it('equals scale · Σ Ω (θ − θ*)² and its gradient is 2·scale·Ω(θ − θ*)', () => {
    const net = maskedNet(), params = net.hiddenParams();
    const anchor = snapshot(params);
    const omega = Object.fromEntries(params.map((p) => [p.name, tf.keep(tf.randomUniform(p.variable.shape, 0, 1, 'float32', 4))]));
    tf.tidy(() => { for (const p of params) p.variable.assign(p.variable.add(tf.randomNormal(p.variable.shape, 0, 0.1, 'float32', 9))); });
    let expected = 0;
    for (const p of params) {
      const th = p.variable.dataSync(), a = anchor[p.name].dataSync(), o = omega[p.name].dataSync();
      for (let i = 0; i < th.length; i++) expected += 0.7 * o[i] * (th[i] - a[i]) ** 2;
    }
    const { value, grads } = tf.variableGrads(() => quadraticPenalty(0.7, params, anchor, omega), params.map((p) => p.variable));
    expect(value.dataSync()[0]).toBeCloseTo(expected, 5);
    const g = grads[params[0].variable.name].dataSync(), th = params[0].variable.dataSync(), a = anchor[params[0].name].dataSync(), o = omega[params[0].name].dataSync();
    for (let i = 0; i < g.length; i++) expect(g[i]).toBeCloseTo(2 * 0.7 * o[i] * (th[i] - a[i]), 5);
    tf.dispose([value, ...Object.values(grads)]);
    disposeParamTensors(anchor, omega);
    net.dispose();
  });
});
