/**
 * Reuse by effect on hand-built networks whose answer is known: which earlier units a task's
 * prediction depends on is fixed by construction, not read from the method.
 */
import { accuracy, buildNetwork, initBackend, Rng, tf, type Network, type Split } from '@clbench/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { reusedByAblation, reusedByEffectDense } from './reuse.js';
import { FREE, UnitOwners } from './units.js';

/** 400 points in [0, 1]²; label 1 iff x0 − x1 > 0.01 (the decision rule the nets below implement). */
function data(): Split {
  const rng = new Rng(3), n = 400, x = new Float32Array(2 * n), y = new Int32Array(n);
  for (let i = 0; i < n; i++) { x[2 * i] = rng.next(); x[2 * i + 1] = rng.next(); y[i] = x[2 * i] - x[2 * i + 1] > 0.01 ? 1 : 0; }
  return { x, y, n };
}

function set(v: tf.Variable, values: number[]) { tf.tidy(() => v.assign(tf.tensor(values, v.shape))); }
const snapshot = (net: Network) => net.params().map((p) => Array.from(p.variable.dataSync()));

function owners(net: Network, perLayer: number[][]): UnitOwners {
  const o = new UnitOwners(net);
  perLayer.forEach((own, l) => o.owner[l].set(own));
  return o;
}

/** Both computations of the trials (weights cut + full forward; cached activations), which must agree. */
function both(net: Network, own: UnitOwners, split: Split, tolerance: number) {
  const full = reusedByAblation(net, own, 1, 1, () => accuracy(net, split, 1), tolerance);
  const dense = reusedByEffectDense(net, own, 1, 1, split, tolerance);
  expect(dense).toEqual(full);
  return full;
}

describe('reusedByEffect', () => {
  beforeAll(async () => { await initBackend('cpu'); });
  const split = data();

  it('one hidden layer: the unit carrying the task is reused; a connected unit whose contributions cancel is not', () => {
    // u0 = relu(x0 − x1), u1 = relu(x0 + x1) (both task 0's); u2 = task 1's own unit, constant 1.
    const net = buildNetwork({ layers: [{ type: 'dense', units: 3 }] }, [2], [2, 2], new Rng(0));
    set(net.layers[0].W, [1, 1, 0, -1, 1, 0]);
    set(net.layers[0].b, [0, 0, 1]);
    // head 1: logit1 = 10·u0 + 0.5·u1, logit0 = 0.5·u1 + 0.1·u2 → class 1 iff 10(x0 − x1) > 0.1
    set(net.heads[1].W, [0, 10, 0.5, 0.5, 0.1, 0]);
    set(net.heads[1].b, [0, 0]);
    const acc = () => accuracy(net, split, 1);
    expect(acc()).toBe(1);
    const before = snapshot(net);
    const r = both(net, owners(net, [[0, 0, 1]]), split, 0.005);
    expect(r.reused).toEqual([1]); // u0 only: u1 has non-zero weights into the head but no effect
    expect(r.evaluations).toBe(3); // base + one trial per connected earlier unit
    expect(snapshot(net)).toEqual(before); // every weight restored bit for bit
    net.dispose();
  });

  it('two hidden layers: only direct reads by the task\'s own units count; a dead but connected unit is not reused', () => {
    // layer 0: u0 = relu(x0 − x1), u1 = relu(−x0 − x1 − 1) = 0 on [0,1]² (task 0), u2 free
    // layer 1: v0 = relu(u0 + u1) (task 0), v1 = relu(u0 + 5·u1) (task 1), v2 free
    const net = buildNetwork({ layers: [{ type: 'dense', units: 3 }, { type: 'dense', units: 3 }] }, [2], [2, 2], new Rng(0));
    set(net.layers[0].W, [1, -1, 0.3, -1, -1, 0.7]);
    set(net.layers[0].b, [0, -1, 0]);
    set(net.layers[1].W, [1, 1, 0.2, 1, 5, 0.4, 0, 0, 0.9]); // rows u0, u1, u2 (free → active severed to 0)
    set(net.layers[1].b, [0, 0, 0]);
    // head 1: logit1 = 10·v1 + 0.3·v0, logit0 = 0.3·v0 + 0.1 (v2 severed)
    set(net.heads[1].W, [0.3, 0.3, 0, 10, 0, 0]);
    set(net.heads[1].b, [0.1, 0]);
    const acc = () => accuracy(net, split, 1);
    expect(acc()).toBe(1);
    const before = snapshot(net);
    const own = owners(net, [[0, 0, FREE], [0, 1, FREE]]);
    const r = both(net, own, split, 0.005);
    // layer 0: u0 (feeds v1, the task's unit) is reused, u1 (connected with weight 5, always 0) is not;
    // layer 1: v0 (task 0's, connected to the head, cancels) is not
    expect(r.reused).toEqual([1, 0]);
    expect(snapshot(net)).toEqual(before);
    // a task with no units of its own in layer 1 reads layer 0 through nobody: nothing reused there
    const none = both(net, owners(net, [[0, 0, FREE], [0, 0, FREE]]), split, 0.005);
    expect(none.reused[0]).toBe(0);
    net.dispose();
  });

  it('the tolerance decides: a unit whose removal costs less than it is not reused', () => {
    const net = buildNetwork({ layers: [{ type: 'dense', units: 3 }] }, [2], [2, 2], new Rng(0));
    set(net.layers[0].W, [1, 1, 0, -1, 1, 0]);
    set(net.layers[0].b, [0, 0, 1]);
    set(net.heads[1].W, [0, 10, 0.5, 0.5, 0.1, 0]);
    set(net.heads[1].b, [0, 0]);
    const acc = () => accuracy(net, split, 1);
    const own = owners(net, [[0, 0, 1]]);
    const drop = 1 - (() => { set(net.heads[1].W, [0, 0, 0.5, 0.5, 0.1, 0]); const a = acc(); set(net.heads[1].W, [0, 10, 0.5, 0.5, 0.1, 0]); return a; })();
    expect(drop).toBeGreaterThan(0.3);
    expect(both(net, own, split, drop - 1e-9).reused).toEqual([1]);
    expect(both(net, own, split, drop).reused).toEqual([0]);
    net.dispose();
  });
});
