/**
 * The weight-mass reuse share on hand-built networks: the share is computed here by hand from
 * the weights set, not read from the method.
 */
import { buildNetwork, initBackend, Rng, tf, type Network, type NetworkConfig } from '@clbench/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { reusedMass } from './reuse-mass.js';
import { FREE, UnitOwners } from './units.js';

function set(v: tf.Variable, values: number[]) { tf.tidy(() => v.assign(tf.tensor(values, v.shape))); }

function owners(net: Network, perLayer: number[][]): UnitOwners {
  const o = new UnitOwners(net);
  perLayer.forEach((own, l) => o.owner[l].set(own));
  return o;
}

describe('reusedMass', () => {
  beforeAll(async () => { await initBackend('cpu'); });

  it('two hidden layers: the share of |W| into task 2\'s units (and head) from units of tasks 0 and 1', () => {
    // layer 0 units: [task 0, task 1, task 2, free]; layer 1 units: [task 0, task 2, task 2, free]
    const net = buildNetwork({ layers: [{ type: 'dense', units: 4 }, { type: 'dense', units: 4 }] }, [2], [2, 2, 2], new Rng(0));
    // layer 1's W is [4 inputs (layer 0 units), 4 outputs]; row i = from unit i of layer 0
    set(net.layers[1].W, [
      9, 1, -2, 0, // from u0 (task 0): into v1 (task 2) 1, v2 (task 2) −2
      9, 3, 0, 0, //  from u1 (task 1): 3, 0
      9, -4, 0.5, 0, // from u2 (task 2): 4, 0.5
      0, 0, 0, 7, //  from u3 (free): severed into active units
    ]);
    // head 2's W is [4 inputs (layer 1 units), 2 classes]
    set(net.heads[2].W, [
      1, -1, //  from v0 (task 0)
      2, 0, //   from v1 (task 2)
      0, 4, //   from v2 (task 2)
      0, 0, //   from v3 (free)
    ]);
    const own = owners(net, [[0, 1, 2, FREE], [0, 2, 2, FREE]]);
    const m = reusedMass(net, own, 2, 2);
    // layer 0, read by v1 and v2: earlier (u0, u1) = 1 + 2 + 3 + 0 = 6; all = 6 + 4 + 0.5 = 10.5
    expect(m[0]).toBeCloseTo(6 / 10.5, 6);
    // layer 1, read by head 2: earlier (v0) = 2; all = 2 + 2 + 4 = 8
    expect(m[1]).toBeCloseTo(2 / 8, 6);
    // the columns of task 0's unit v0 (the 9s) and the free unit's column never count
    set(net.layers[1].W, [100, 1, -2, 50, 100, 3, 0, 50, 100, -4, 0.5, 50, 0, 0, 0, 50]);
    expect(reusedMass(net, own, 2, 2)[0]).toBeCloseTo(6 / 10.5, 6);
    net.dispose();
  });

  it('task 0 reuses nothing; a layer into which the task added no unit gives null', () => {
    const net = buildNetwork({ layers: [{ type: 'dense', units: 2 }, { type: 'dense', units: 2 }] }, [2], [2, 2], new Rng(0));
    expect(reusedMass(net, owners(net, [[0, FREE], [0, 0]]), 0, 0)).toEqual([0, 0]);
    // task 1 took no unit in layer 1: nothing reads layer 0 for it; its head reads layer 1 (all task 0's)
    const m = reusedMass(net, owners(net, [[0, 1], [0, 0]]), 1, 1);
    expect(m[0]).toBeNull();
    expect(m[1]).toBeCloseTo(1, 6);
    net.dispose();
  });

  it('a conv layer read by a dense layer: rows map to channels (NHWC flatten), kernel positions summed', () => {
    // conv 2 filters on 2×2×1 input, kernel 1 (valid): output 2×2×2 = 8 features → dense 2 units
    const net = buildNetwork({ layers: [{ type: 'conv2d', filters: 2, kernelSize: 1, pool: 1, padding: 'valid' }, { type: 'dense', units: 2 }] } satisfies NetworkConfig, [2, 2, 1], [2, 2], new Rng(0));
    const W = net.layers[1].W; // [8, 2]: row r reads channel r % 2
    expect(W.shape).toEqual([8, 2]);
    set(W, [1, 5, 2, 5, 1, 5, 2, 5, 1, 5, 2, 5, 1, 5, 2, 5]);
    // channel 0 (task 0): 4 rows × 1 = 4; channel 1 (task 1): 4 × 2 = 8; task 1's unit is dense unit 0
    const m = reusedMass(net, owners(net, [[0, 1], [1, FREE]]), 1, 1);
    expect(m[0]).toBeCloseTo(4 / 12, 6);
    net.dispose();
  });
});
