import { initBackend, Rng, tf, trainContinual, type ContinualMethod, type MethodContext, type Split, type TaskData, type TaskTools } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { BalancedMemory } from './balanced-memory.js';
import { gdumb, type Gdumb } from './gdumb.js';

beforeAll(async () => { await initBackend('wasm'); });

const training = { optimizer: 'adam' as const, lr: 5e-3, epochs: 1, batchSize: 16, validationFraction: 0.1, budget: 'consolidation-extra' as const };

/** A stream of 1-feature samples: x = its position in the stream, y = its class. */
const streamOf = (classes: number[]): Split => ({ x: Float32Array.from(classes, (_, i) => i), y: Int32Array.from(classes), n: classes.length });

describe('gdumb greedy class-balanced sampler (Alg. 1)', () => {
  it('counts per class after each insertion, on a constructed stream, equal the hand computation', () => {
    const classes = [0, 0, 0, 0, 1, 1, 2, 0, 1, 2, 2], stream = streamOf(classes), m = new BalancedMemory(4), rng = new Rng(1);
    // by hand, capacity 4: fill; then a class below the largest class's count replaces a sample of
    // that largest class (ties: the smaller class); a class at the largest count is discarded
    const want = [{ 0: 1 }, { 0: 2 }, { 0: 3 }, { 0: 4 },
      { 0: 3, 1: 1 },                    // 1 < 4: evict a 0
      { 0: 2, 1: 2 },                    // 1 < 3: evict a 0
      { 0: 1, 1: 2, 2: 1 },              // 0 < 2, largest 0 and 1 tie at 2: evict a 0
      { 0: 2, 1: 1, 2: 1 },              // 1 < 2 (class 1): evict a 1
      { 0: 1, 1: 2, 2: 1 },              // 1 < 2 (class 0): evict a 0
      { 0: 1, 1: 1, 2: 2 },              // 1 < 2 (class 1): evict a 1
      { 0: 1, 1: 1, 2: 2 }];             // 2 = 2: discarded
    const slots = classes.map((c, i) => { const s = m.offer(stream, i, 0, c, rng); expect(m.perClass(), `after sample ${i}`).toEqual(want[i]); return s; });
    expect(slots.slice(0, 4)).toEqual([0, 1, 2, 3]);
    expect(slots.map((s) => s < 0)).toEqual([...new Array(10).fill(false), true]);
    const [{ split }] = m.byHead();
    for (let k = 0; k < split.n; k++) expect(classes[split.x[k]]).toBe(split.y[k]);   // each stored x is a sample of its label
    expect(Array.from(split.x)).toContain(9);                              // the last sample taken (class 2) is there; 10 was not
    expect(Array.from(split.x)).not.toContain(10);
    expect(m.bytes).toBe(4 * (1 * 4 + 3 * 4));
    expect(m.seen).toBe(11);
  });

  it('evicts a uniformly drawn sample of the largest class (4 000 seeded trials: each of 4 evicted about 1 time in 4)', () => {
    const stream = streamOf([0, 0, 0, 0, 1]), evicted = [0, 0, 0, 0], trials = 4000;
    for (let t = 0; t < trials; t++) {
      const m = new BalancedMemory(4), rng = new Rng(t);
      for (let i = 0; i < 5; i++) m.offer(stream, i, 0, stream.y[i], rng);
      const kept = new Set(m.byHead()[0].split.x);
      evicted.forEach((_, i) => { if (!kept.has(i)) evicted[i]++; });
    }
    const sd = Math.sqrt(0.25 * 0.75 / trials);
    evicted.forEach((c) => expect(Math.abs(c / trials - 0.25)).toBeLessThan(5 * sd));
  });

  it('keeps a head\'s classes apart (task-IL: label 0 of head 0 and of head 1 are two classes) and groups rows by head', () => {
    const stream = streamOf([0, 1, 0, 1]), m = new BalancedMemory(4), rng = new Rng(2);
    m.offer(stream, 0, 0, 0, rng); m.offer(stream, 1, 0, 1, rng);          // head 0 (2 outputs): keys 0, 1
    m.offer(stream, 2, 1, 2 + 0, rng); m.offer(stream, 3, 1, 2 + 1, rng);  // head 1: keys 2, 3
    expect(m.perClass()).toEqual({ 0: 1, 1: 1, 2: 1, 3: 1 });
    expect(m.byHead().map(({ head, split }) => [head, Array.from(split.x), Array.from(split.y)])).toEqual([[0, [0, 1], [0, 1]], [1, [2, 3], [0, 1]]]);
  });
});

/** Delegates every hook to GDumb; before task `at`, first overwrites every weight with noise (another starting network). */
function perturbedBefore(inner: Gdumb, at: number): ContinualMethod {
  return {
    setup: (ctx) => inner.setup(ctx),
    beforeTask: (task: TaskData, ctx: MethodContext) => {
      if (task.id === at) {
        const noise = new Rng(99);
        tf.tidy(() => ctx.net.params().forEach(({ variable }) => variable.assign(tf.tensor(Float32Array.from({ length: variable.size }, () => noise.normal()), variable.shape))));
      }
      return inner.beforeTask();
    },
    afterTask: (task: TaskData, ctx: MethodContext, tools: TaskTools) => inner.afterTask(task, ctx, tools),
    diagnostics: () => inner.diagnostics(),
  };
}

describe('gdumb retraining', () => {
  const scenario = (incremental: 'task' | 'class', limit = 100) => buildScenario(loadEmbeddedMnist(), { type: 'split', incremental, tasks: 2, classesPerTask: 2 },
    { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit });

  it('is from scratch: the weights after retraining do not depend on the weights before it (same memory and rng, two starting networks)', async () => {
    const split = scenario('class');
    const finalWeights = async (method: ContinualMethod) => {
      let weights: Float32Array[] = [];
      const res = await trainContinual({ scenario: split, network: { layers: [{ type: 'dense', units: 16 }] }, training, method, rng: new Rng(3),
        onTaskEnd: (_t, net) => { weights = net.params().map((p) => Float32Array.from(p.variable.dataSync())); } });
      return { weights, R: res.accuracyMatrix };
    };
    const hp = gdumb.hyperparameters.parse({ memorySize: 40, epochs: 3 });
    const plain = await finalWeights(gdumb.create(hp));
    const perturbed = await finalWeights(perturbedBefore(gdumb.create(hp) as Gdumb, 1));
    expect(perturbed.R).toEqual(plain.R);
    perturbed.weights.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(plain.weights[i].buffer)), `parameter ${i}`).toBe(true));
  });

  for (const incremental of ['task', 'class'] as const) {
    it(`${incremental}-IL: the tasks' own epochs take no step; each retraining takes epochs × Σ_heads ⌈stored / batch⌉ steps; memory balanced; no tensor leaked over a task`, async () => {
      const split = scenario(incremental);
      const epochs = 5, method = gdumb.create(gdumb.hyperparameters.parse({ memorySize: 50, epochs })) as Gdumb;
      const before = tf.memory().numTensors, counts: number[] = [];
      const res = await trainContinual({ scenario: split, network: { layers: [{ type: 'dense', units: 16 }] }, training, method, rng: new Rng(3),
        onTaskEnd: () => { counts.push(tf.memory().numTensors); } });
      expect(counts[1]).toBe(counts[0]);
      expect(tf.memory().numTensors).toBe(before);
      expect(res.steps.train).toEqual([0, 0]);
      // by hand from the memory's contents: after task 0, 50 samples of 2 classes (one head); after task 1, 4 classes balanced
      const [first, second] = method.retraining;
      expect(first.perClass).toEqual({ 0: 25, 1: 25 });
      const per = Object.values(second.perClass);
      expect(per.reduce((a, b) => a + b, 0)).toBe(50);
      expect(Math.max(...per) - Math.min(...per)).toBeLessThanOrEqual(1);
      const heads = incremental === 'task' ? [second.perClass[0] + second.perClass[1], second.perClass[2] + second.perClass[3]] : [50];
      expect(res.steps.consolidation).toEqual([epochs * Math.ceil(50 / 16), epochs * heads.reduce((n, h) => n + Math.ceil(h / 16), 0)]);
      expect(method.retraining.map((r) => r.steps)).toEqual(res.steps.consolidation);
      expect(res.diagnostics.memory).toMatchObject({ capacity: 50, stored: 50, offered: split.tasks[0].train.n + split.tasks[1].train.n, bytes: 50 * (784 * 4 + 12) });
      expect(res.accuracyMatrix[1][1]).toBeGreaterThan(0.7);
      expect(res.accuracyMatrix[1][0]).toBeGreaterThan(incremental === 'class' ? 0.5 : 0.7);   // class-IL: task 1's classes are in the memory, so not forgotten
    });
  }
});
