/** Adam's update against Kingma & Ba 2015, Alg. 1 by hand (float64), with the step counts of a
 *  per-task optimiser (one count) and of a carried one (one count per parameter, as PyTorch). */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from './backend.js';
import type { Param } from './network.js';
import { makeOptimizer } from './optimizer.js';
import { Rng } from './rng.js';
import { trainContinual } from './trainer.js';
import type { Scenario, Split } from './task.js';

beforeAll(async () => { await initBackend('wasm'); });

/** θ after Adam steps on constant gradients g, parameter first stepped at optimiser step `from` (1-based), counting steps by `count`. */
function byHand(theta: number, g: number, steps: number, lr: number, eps: number, stepOf: (k: number) => number): number {
  let m = 0, v = 0;
  for (let k = 1; k <= steps; k++) {
    const t = stepOf(k);
    m = 0.9 * m + 0.1 * g; v = 0.999 * v + 0.001 * g * g;
    theta -= (lr * Math.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)) * m / (Math.sqrt(v) + eps);
  }
  return theta;
}

describe('Adam step counts', () => {
  const param = (name: string, value: number): Param => ({ name, variable: tf.variable(tf.tensor1d([value]), true, `opt-test-${name}-${Math.random()}`) } as Param);
  for (const optimizerState of ['per-task', 'carried'] as const) {
    it(`${optimizerState}: a parameter first stepped after 3 optimiser steps is corrected by ${optimizerState === 'carried' ? 'its own count (1, 2)' : 'the optimiser\'s count (4, 5)'}`, () => {
      const a = param('a', 0.5), b = param('b', -0.25), lr = 0.01, eps = 1e-8;
      const opt = makeOptimizer({ optimizer: 'adam', lr, adamEpsilon: eps, optimizerState });
      for (let k = 0; k < 3; k++) tf.tidy(() => opt.step([a], { a: tf.tensor1d([0.3]) }, new Map()));
      for (let k = 0; k < 2; k++) tf.tidy(() => opt.step([a, b], { a: tf.tensor1d([0.3]), b: tf.tensor1d([-0.7]) }, new Map()));
      const wantB = byHand(-0.25, -0.7, 2, lr, eps, (k) => (optimizerState === 'carried' ? k : 3 + k));
      const otherB = byHand(-0.25, -0.7, 2, lr, eps, (k) => (optimizerState === 'carried' ? 3 + k : k));
      expect(Math.abs(b.variable.dataSync()[0] - wantB)).toBeLessThan(1e-7);
      expect(Math.abs(wantB - otherB)).toBeGreaterThan(1e-3);             // the two counts are told apart
      expect(Math.abs(a.variable.dataSync()[0] - byHand(0.5, 0.3, 5, lr, eps, (k) => k))).toBeLessThan(1e-7);
      opt.dispose(); a.variable.dispose(); b.variable.dispose();
    });
  }
});

describe('training.optimizerState in a run', () => {
  const split = (seed: number, shift: number): Split => {
    const rng = new Rng(seed), n = 64, x = new Float32Array(n * 6), y = new Int32Array(n);
    for (let i = 0; i < n; i++) { y[i] = i % 2; for (let d = 0; d < 6; d++) x[i * 6 + d] = rng.normal() + (y[i] ? shift : -shift) * (d % 2 ? 1 : -1); }
    return { x, y, n };
  };
  const scenario: Scenario = { name: 'hand-made', incremental: 'task', inputShape: [6], headOutputs: [2, 2], tasks: [0, 1].map((id) => ({ id, name: `t${id}`, classes: [0, 1], train: split(id, 0.5 + id), validation: split(10 + id, 0.5 + id), test: split(20 + id, 0.5 + id) })) };
  const run = async (training: Record<string, unknown>) => {
    const net: { after: number[][] } = { after: [] };
    const res = await trainContinual({ scenario, network: { layers: [{ type: 'dense', units: 8 }] }, training: { optimizer: 'adam', lr: 0.01, epochs: 2, batchSize: 16, validationFraction: 0.1, budget: 'consolidation-extra', ...training },
      method: {}, rng: new Rng(3), onTaskEnd: (_t, n) => { net.after.push(Array.from(n.layers[0].W.dataSync())); } });
    return { R: res.accuracyMatrix, weights: net.after };
  };
  it('carried: task 1 trains exactly as per-task, task 2 differently (the moments carry over); leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const perTask = await run({}), carried = await run({ optimizerState: 'carried' }), explicit = await run({ optimizerState: 'per-task' });
    expect(tf.memory().numTensors).toBe(before);
    expect(carried.weights[0]).toEqual(perTask.weights[0]);
    expect(carried.weights[1]).not.toEqual(perTask.weights[1]);
    expect(explicit).toEqual(perTask);
  });
  it('adamEpsilon is Adam\'s ε: 1e-7 when absent', async () => {
    const absent = await run({}), seven = await run({ adamEpsilon: 1e-7 }), eight = await run({ adamEpsilon: 1e-8 });
    expect(seven).toEqual(absent);
    expect(eight.weights[0]).not.toEqual(absent.weights[0]);
  });
});

