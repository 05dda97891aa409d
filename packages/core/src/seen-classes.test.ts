/** Seen-classes heads (seen-classes.ts): the cross-entropy of a 4-class head with 2 classes seen, by
 *  hand, and the trainer leaving the unseen classes' head weights untouched, bit for bit. */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from './backend.js';
import { Rng } from './rng.js';
import { classSelection, seenClasses, selectedCrossEntropy } from './seen-classes.js';
import type { Scenario, Split, TaskData } from './task.js';
import { trainContinual } from './trainer.js';

beforeAll(async () => { await initBackend('wasm'); });

describe('cross-entropy over the seen classes', () => {
  it('4 outputs, classes {0, 2} seen: the unseen logits stay out of the normaliser and get zero gradient (hand computation)', () => {
    // Sample 0: label 0, seen logits (1, 0): −log(e/(e + 1)) = 0.313262; sample 1: label 2, seen logits (2, 2): log 2.
    // The unseen logits (5, 7, −3, 9) are larger than every seen one: in the normaliser they would dominate.
    // ∂/∂z = (softmax over the seen − one-hot) / N in the seen columns, 0 in the unseen ones.
    const z = [[1, 5, 0, 7], [2, -3, 2, 9]], y = [0, 2];
    const p0 = Math.E / (Math.E + 1);
    const want = (-Math.log(p0) + Math.log(2)) / 2;
    const wantGrad = [[(p0 - 1) / 2, 0, (1 - p0) / 2, 0], [0.25, 0, -0.25, 0]];
    const [value, grad] = tf.tidy(() => {
      const P = classSelection(seenClasses([{ classes: [2] }, { classes: [0] }]), 4);
      const f = (logits: tf.Tensor) => selectedCrossEntropy(logits as tf.Tensor2D, tf.tensor1d(y, 'int32'), P);
      return [f(tf.tensor2d(z)).dataSync()[0], tf.grad(f)(tf.tensor2d(z)).arraySync() as number[][]];
    });
    expect(value).toBeCloseTo(want, 6);
    grad.forEach((row, n) => row.forEach((g, k) => (wantGrad[n][k] === 0 ? expect(g).toBe(0) : expect(g).toBeCloseTo(wantGrad[n][k], 6))));
  });

  it('seenClasses: the union of the tasks\' classes, ascending; a class outside the head is an error', () => {
    expect(seenClasses([{ classes: [4, 5] }, { classes: [0, 1] }, { classes: [5] }])).toEqual([0, 1, 4, 5]);
    expect(() => classSelection([0, 4], 4)).toThrow('class 4 outside the head\'s 4 outputs');
  });
});

describe('the trainer under seenClassesOnly', () => {
  /** Two class-incremental tasks of random 3-value inputs, classes {0, 1} then {2, 3}, one 4-output head. */
  function scenario(seenClassesOnly?: boolean): Scenario {
    const rng = new Rng(7);
    const split = (classes: number[], n: number): Split => ({
      x: Float32Array.from({ length: n * 3 }, () => rng.next() - 0.5), y: Int32Array.from({ length: n }, (_, i) => classes[i % 2]), n,
    });
    const task = (id: number, classes: number[]): TaskData => ({ id, name: `t${id}`, classes, train: split(classes, 24), validation: split(classes, 4), test: split(classes, 8) });
    return { name: 'hand-made', incremental: 'class', inputShape: [3], headOutputs: [4], tasks: [task(0, [0, 1]), task(1, [2, 3])], ...(seenClassesOnly === undefined ? {} : { seenClassesOnly }) };
  }
  const training = { optimizer: 'adam' as const, lr: 0.01, epochs: 2, batchSize: 8, validationFraction: 0.1, budget: 'consolidation-extra' as const };

  /** The head's W [4 inputs... ] columns and b entries per class, after each task (and at initialisation). */
  async function headAfterTasks(seenClassesOnly?: boolean): Promise<number[][][]> {
    const snapshots: number[][][] = [];
    const column = (W: Float32Array, b: Float32Array, k: number) => [...Array.from({ length: W.length / 4 }, (_, r) => W[r * 4 + k]), b[k]];
    const snap = (W: Float32Array, b: Float32Array) => snapshots.push([0, 1, 2, 3].map((k) => column(W, b, k)));
    let first = true;
    await trainContinual({
      scenario: scenario(seenClassesOnly), network: { layers: [{ type: 'dense', units: 5 }] }, training, rng: new Rng(1),
      method: { setup: (ctx) => { if (first) { snap(ctx.net.heads[0].W.dataSync() as Float32Array, ctx.net.heads[0].b.dataSync() as Float32Array); first = false; } } },
      onTaskEnd: (_t, net) => snap(net.heads[0].W.dataSync() as Float32Array, net.heads[0].b.dataSync() as Float32Array),
    });
    return snapshots;
  }

  it('task 0 leaves classes 2 and 3 of the head bit for bit as initialised (Adam steps a zero gradient by 0); without the option they move', async () => {
    const before = tf.memory().numTensors;
    const [init, afterT0, afterT1] = await headAfterTasks(true);
    expect(afterT0[2]).toEqual(init[2]);
    expect(afterT0[3]).toEqual(init[3]);
    expect(afterT0[0]).not.toEqual(init[0]);                                 // the seen classes train
    expect(afterT1[2]).not.toEqual(init[2]);                                 // task 1 has seen them
    expect(tf.memory().numTensors).toBe(before);                             // the selection is freed
    const [init2, plainT0] = await headAfterTasks();
    expect(init2).toEqual(init);
    expect(plainT0[2]).not.toEqual(init[2]);                                 // all outputs: task 0 pushes classes 2, 3 down
    expect(plainT0[3]).not.toEqual(init[3]);
  });
});
