import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from './backend.js';
import { buildNetwork, glorot, type Network } from './network.js';
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

describe('network.init', () => {
  const cfg: NetworkConfig = { layers: [{ type: 'conv2d', filters: 3, kernelSize: 3, pool: 2, padding: 'same' }, { type: 'dense', units: 5 }] };
  const shape = [6, 6, 1], heads = [2, 3];
  // fan_in of each parameter, counted by hand: conv 3·3·1, dense over the pooled 3×3×3 map, heads over 5 units
  const fanIn: Record<string, number> = { 'l0.W': 9, 'l0.b': 9, 'l1.W': 27, 'l1.b': 27, 'head0.W': 5, 'head0.b': 5, 'head1.W': 5, 'head1.b': 5 };

  it('glorot (the default): Glorot-uniform weights from the init stream, zero biases', () => {
    const net = buildNetwork(cfg, shape, heads, new Rng(7));
    expect(Array.from(net.layers[0].W.dataSync())).toEqual(Array.from(glorot(new Rng(7).fork('init'), [3, 3, 1, 3], 9, 27)));
    for (const p of net.params().filter((q) => q.name.endsWith('.b'))) expect(Array.from(p.variable.dataSync()).every((v) => v === 0)).toBe(true);
    net.dispose();
  });

  it('pytorch: weights and biases inside ±1/√fan_in, biases drawn, reinitialise draws the same', () => {
    const net = buildNetwork({ ...cfg, init: 'pytorch' }, shape, heads, new Rng(7));
    for (const p of net.params()) {
      const v = Array.from(p.variable.dataSync()), bound = 1 / Math.sqrt(fanIn[p.name]);
      expect(Math.max(...v.map(Math.abs)), p.name).toBeLessThanOrEqual(bound);
      expect(v.some((x) => x !== 0), p.name).toBe(true);
    }
    const other = buildNetwork({ ...cfg, init: 'pytorch' }, shape, heads, new Rng(8));
    other.reinitialise(new Rng(7).fork('init'));
    expect(values(other)).toEqual(values(net));
    net.dispose(); other.dispose();
  });

  it('pytorch: U(±1/√fan_in) moments on a 784 → 400 layer (mean 0, variance bound²/3)', () => {
    const net = buildNetwork({ layers: [{ type: 'dense', units: 400 }], init: 'pytorch' }, [784], [2], new Rng(3));
    const w = Float64Array.from(net.layers[0].W.dataSync()), bound = 1 / Math.sqrt(784);
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const variance = w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(0.01 * bound);
    expect(variance / (bound ** 2 / 3)).toBeGreaterThan(0.99);
    expect(variance / (bound ** 2 / 3)).toBeLessThan(1.01);
    net.dispose();
  });
});
