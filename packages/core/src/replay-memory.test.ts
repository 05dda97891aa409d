import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from './backend.js';
import { buildNetwork } from './network.js';
import { ReplayMemory, replayLoss } from './replay-memory.js';
import { Rng } from './rng.js';
import type { Split } from './task.js';

beforeAll(async () => { await initBackend('wasm'); });

/** n samples of dimension D whose x row k is [k, k, …] and label k % 3. */
function numbered(n: number, D: number): Split {
  return { x: Float32Array.from({ length: n * D }, (_, i) => Math.floor(i / D)), y: Int32Array.from({ length: n }, (_, k) => k % 3), n };
}

describe('ReplayMemory (reservoir sampling, Algorithm R)', () => {
  it('keeps each of the N samples offered with probability capacity / N, stores rows intact, and counts its bytes', () => {
    const N = 20, C = 5, D = 3, runs = 4000, split = numbered(N, D), hits = new Float64Array(N);
    let corrupted = 0, sizes = 0;
    for (let r = 0; r < runs; r++) {
      const m = new ReplayMemory(C), rng = new Rng(r);
      for (let i = 0; i < N; i++) m.offer(split, i, 7, rng);
      const all = m.sample(100, rng);                                    // more than stored: all of them
      sizes += all.n;
      for (let k = 0; k < C; k++) {
        const id = all.x[k * D];
        if (all.x[k * D + 1] !== id || all.x[k * D + 2] !== id || all.y[k] !== id % 3 || all.heads[k] !== 7) corrupted++;
        hits[id]++;
      }
    }
    expect(sizes).toBe(C * runs);
    expect(corrupted).toBe(0);
    // binomial(4000, 0.25): sd = 27 samples ≈ 0.0068; 0.03 is > 4 sd
    for (let i = 0; i < N; i++) expect(Math.abs(hits[i] / runs - C / N)).toBeLessThan(0.03);
    const m = new ReplayMemory(C);
    for (let i = 0; i < N; i++) m.offer(split, i, 0, new Rng(i));
    expect(m.seen).toBe(N);
    expect(m.bytes).toBe(C * (D * 4 + 4 + 4));
  });

  it('stores the first `capacity` samples as they come, and draws distinct samples', () => {
    const m = new ReplayMemory(4), s = numbered(3, 2), rng = new Rng(1);
    for (let i = 0; i < 3; i++) m.offer(s, i, i, rng);
    expect(m.perHead()).toEqual({ 0: 1, 1: 1, 2: 1 });
    const b = m.sample(2, rng);
    expect(b.n).toBe(2);
    expect(b.x[0]).not.toBe(b.x[2]);
  });
});

describe('replayLoss', () => {
  it('is the mean cross-entropy with each sample on its own head, computed by hand', () => {
    const net = buildNetwork({ layers: [{ type: 'dense', units: 3 }] }, [2], [2, 3], new Rng(4));
    const batch = { x: Float32Array.from([0.5, -1, 2, 0.25, -0.3, 0.8]), y: Int32Array.from([1, 2, 0]), heads: Int32Array.from([0, 1, 1]), n: 3 };
    const W0 = net.layers[0].W.dataSync(), b0 = net.layers[0].b.dataSync();
    let want = 0;
    for (let n = 0; n < 3; n++) {
      const h = [0, 1, 2].map((u) => Math.max(0, b0[u] + batch.x[2 * n] * W0[u] + batch.x[2 * n + 1] * W0[3 + u]));
      const H = net.heads[batch.heads[n]], HW = H.W.dataSync(), Hb = H.b.dataSync(), K = Hb.length;
      const z = Array.from({ length: K }, (_, k) => Hb[k] + h.reduce((s, hu, u) => s + hu * HW[u * K + k], 0));
      const lse = Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
      want += (lse - z[batch.y[n]]) / 3;
    }
    const got = tf.tidy(() => replayLoss(net, batch, false).dataSync()[0]);
    expect(got).toBeCloseTo(want, 5);
    net.dispose();
  });
});
