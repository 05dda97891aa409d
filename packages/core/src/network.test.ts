import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from './backend.js';
import { buildNetwork, type Network } from './network.js';
import { Rng } from './rng.js';
import type { NetworkConfig } from './schemas/suite.js';

beforeAll(async () => { await initBackend('wasm'); });

const values = (net: Network) => net.params().map((p) => Array.from(p.variable.dataSync()));

describe('Network.reinitialise', () => {
  // A conv layer, a dense layer reading it and two heads: every fan rule of buildNetwork.
  const cfg: NetworkConfig = { layers: [{ type: 'conv2d', filters: 3, kernelSize: 3, pool: 2, padding: 'same' }, { type: 'dense', units: 5 }] };
  const shape = [6, 6, 1], heads = [2, 3];

  it('draws the weights buildNetwork draws from the same stream, and zeroes the biases', () => {
    const built = buildNetwork(cfg, shape, heads, new Rng(7));
    const other = buildNetwork(cfg, shape, heads, new Rng(8));
    for (const p of other.params()) p.variable.assign(tf.onesLike(p.variable)); // trained-looking biases
    expect(values(other)).not.toEqual(values(built));
    other.reinitialise(new Rng(7).fork('init')); // buildNetwork's own fork
    expect(values(other)).toEqual(values(built));
    built.dispose(); other.dispose();
  });

  it('leaves no tensor behind and draws different weights from a different stream', () => {
    const net = buildNetwork(cfg, shape, heads, new Rng(1));
    const first = values(net), before = tf.memory().numTensors;
    net.reinitialise(new Rng(2));
    expect(tf.memory().numTensors).toBe(before);
    const second = values(net);
    expect(second[0]).not.toEqual(first[0]);
    expect(second[1].every((v) => v === 0)).toBe(true); // l0.b
    net.dispose();
  });
});
