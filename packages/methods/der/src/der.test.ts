import { buildNetwork, initBackend, Rng, tf, trainContinual, type ContinualMethod, type MethodContext, type Network, type Scenario, type Split, type StepContext, type TapeBatch } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { der, type Der } from './der.js';
import { LogitMemory } from './logit-memory.js';

beforeAll(async () => { await initBackend('wasm'); });

const training = { optimizer: 'adam' as const, lr: 5e-3, epochs: 1, batchSize: 16, validationFraction: 0.1, budget: 'consolidation-extra' as const };

/** Logits of head h on x, float64 by hand (a network without hidden layers: x W_h + b_h). */
function handLogits(net: Network, h: number, x: number[]): number[] {
  const W = net.heads[h].W.dataSync(), b = net.heads[h].b.dataSync(), K = b.length;
  return Array.from({ length: K }, (_, k) => b[k] + x.reduce((s, v, i) => s + v * W[i * K + k], 0));
}
const mseByHand = (f: number[], z: number[]) => f.reduce((s, v, k) => s + (v - z[k]) ** 2, 0) / f.length;   // mean over the head's K outputs
const ceByHand = (f: number[], y: number) => Math.log(f.reduce((s, v) => s + Math.exp(v), 0)) - f[y];

/** A hand-made task-IL setting: 2 inputs, no hidden layer, head 0 with 2 outputs and head 1 with 3. */
function handSetting(hp: Record<string, number>) {
  const net = buildNetwork({ layers: [] }, [2], [2, 3], new Rng(1));
  const scenario: Scenario = { name: 'hand-made', incremental: 'task', inputShape: [2], headOutputs: [2, 3], tasks: [] };
  const ctx: MethodContext = { net, scenario, training, rng: new Rng(2), taskId: 1, head: 1, finished: [], warn: () => {} };
  const method = der.create(der.hyperparameters.parse(hp)) as Der;
  const x = [[1, -2], [0.5, 0.5], [-1, 3], [2, 1]], y = [1, 0, 2, 1];
  const split: Split = { x: Float32Array.from(x.flat()), y: Int32Array.from(y), n: x.length };
  const stepOf = (head: number, idx: number[], epoch: number): StepContext =>
    ({ ...ctx, phase: 'training', samples: { split, idx: Int32Array.from(idx), head }, position: { epoch, step: 0, steps: 1 } });
  /** batchLoss on a batch whose logits are `z` (what the step's forward pass gave), its value read back. */
  const lossOf = (head: number, idx: number[], epoch: number, z: number[][] = idx.map(() => [0, 0])): number | null => {
    const logits = tf.tensor2d(z);
    const out = method.batchLoss({ logits } as unknown as TapeBatch, stepOf(head, idx, epoch));
    const v = out ? out.dataSync()[0] : null;
    tf.dispose(out ? [logits, out] : [logits]);
    return v;
  };
  return { net, method, x, y, lossOf };
}

describe('der batch loss (Eq. 6) on a hand-made memory', () => {
  it('is α·mean_i (1/K)Σ_k (f_k(x_i) − z_ik)² + β·mean_i CE(f(x_i), y_i), each sample on its own head, z the logits it was stored with', () => {
    const alpha = 0.3, beta = 0.7;
    const { net, method, x, y, lossOf } = handSetting({ alpha, beta, memorySize: 3, replayBatchSize: 3 });
    const z = [[0.5, -1], [2, 0.25], [1, -0.5, 3]];                         // the logits each sample "had" when stored
    const want = (rows: number[], heads: number[]) => {
      const f = rows.map((r, i) => handLogits(net, heads[i], x[r]));
      const mse = rows.reduce((s, r, i) => s + mseByHand(f[i], z[r]), 0) / rows.length;
      const ce = rows.reduce((s, r, i) => s + ceByHand(f[i], y[r]), 0) / rows.length;
      return alpha * mse + beta * ce;
    };
    const before = tf.memory().numTensors;
    expect(lossOf(0, [0, 1], 0, z.slice(0, 2))).toBeNull();               // empty memory: nothing to replay; rows 0, 1 stored with head 0
    expect(lossOf(1, [2], 0, [z[2]])).toBeCloseTo(want([0, 1], [0, 0]), 5); // both draws = the 2 stored; then row 2 stored with head 1
    expect(lossOf(1, [3], 1)).toBeCloseTo(want([0, 1, 2], [0, 0, 1]), 5);  // epoch 1: row 3 not offered; draws = all 3
    expect(method.diagnostics().memory).toEqual({ capacity: 3, stored: 3, offered: 3, bytes: 3 * (2 * 4 + 4 + 4) + 3 * 3 * 4, perHead: { 0: 2, 1: 1 } });
    expect(tf.memory().numTensors).toBe(before + 1);                       // the memory's logits table, nothing else
    method.dispose();
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
  });

  it('draws the label term\'s batch B″ independently of B′: (i, j) of a 1-sample draw each coincide about 1 time in 4 with 4 stored', () => {
    const { net, method, x, y, lossOf } = handSetting({ alpha: 1, beta: 1, memorySize: 4, replayBatchSize: 1 });
    const z = [[0.5, -1, 0], [2, 0.25, 1], [-3, 1, 0.5], [0, 4, -2]];
    lossOf(1, [0, 1, 2, 3], 0, z);                                          // 4 samples stored with head 1 (3 outputs)
    const f = x.map((r) => handLogits(net, 1, r));
    const pairs: { i: number; j: number; v: number }[] = [];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) pairs.push({ i, j, v: mseByHand(f[i], z[i]) + ceByHand(f[j], y[j]) });
    const counts = Array.from({ length: 4 }, () => [0, 0, 0, 0]);
    const draws = 400;
    for (let d = 0; d < draws; d++) {
      const v = lossOf(1, [0], 1)!;
      const match = pairs.filter((p) => Math.abs(p.v - v) < 1e-4);
      expect(match).toHaveLength(1);                                        // the 16 sums are distinct: the value names (i, j)
      counts[match[0].i][match[0].j]++;
    }
    const same = counts.reduce((s, row, i) => s + row[i], 0) / draws;
    expect(same).toBeGreaterThan(0.15); expect(same).toBeLessThan(0.35);   // independent: 1/4 (the same draw twice: 1)
    for (let i = 0; i < 4; i++) expect(counts[i].reduce((a, b) => a + b, 0) / draws).toBeGreaterThan(0.15);   // B′ uniform
    method.dispose(); net.dispose();
  });
});

describe('der memory', () => {
  const rows = (n: number): Split => ({ x: Float32Array.from({ length: n }, (_, i) => i), y: new Int32Array(n), n });

  it('reservoir: after k offers each sample is kept with probability capacity / k (20 000 seeded trials), a batch = its rows offered one by one', () => {
    const k = 10, capacity = 4, trials = 20000, kept = new Array(k).fill(0), split = rows(k);
    for (let t = 0; t < trials; t++) {
      const m = new LogitMemory(capacity, 2), rng = new Rng(t);
      for (let r = 0; r < k; r++) m.reserve(split, [r], 0, rng);
      const { batch } = m.sample(capacity, new Rng(0));
      for (const v of batch.x) kept[v]++;                                  // x of row r is r
    }
    const sd = Math.sqrt(0.4 * 0.6 / trials);
    kept.forEach((c) => expect(Math.abs(c / trials - capacity / k)).toBeLessThan(5 * sd));
    const one = new LogitMemory(capacity, 2), all = new LogitMemory(capacity, 2), r1 = new Rng(5), r2 = new Rng(5);
    const singly = Array.from({ length: k }, (_, r) => one.reserve(split, [r], 0, r1)[0]);
    expect(Array.from(all.reserve(split, Array.from({ length: k }, (_, r) => r), 0, r2))).toEqual(singly);
    expect(singly.slice(0, capacity)).toEqual([0, 1, 2, 3]);                // filled in order while there is room
  });

  it('logits land in their slots, narrower heads zero-padded, a later row of the batch winning a shared slot; the rest unchanged', () => {
    const m = new LogitMemory(3, 3), split = rows(3);
    m.reserve(split, [0, 1, 2], 0, new Rng(1));
    const read = () => { const t = m.logitsOf(Int32Array.from([0, 1, 2])); const v = Array.from(t.dataSync()); t.dispose(); return v; };
    const first = tf.tensor2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    m.writeLogits(Int32Array.from([0, 1, 2]), first);
    const second = tf.tensor2d([[10, 11], [12, 13], [14, 15]]);             // a 2-output head
    m.writeLogits(Int32Array.from([2, -1, 2]), second);                    // rows 0 and 2 both to slot 2: row 2 stays (as x on the host)
    expect(read()).toEqual([1, 2, 3, 4, 5, 6, 14, 15, 0]);
    tf.dispose([first, second]); m.dispose();
  });
});

describe('der in a continual run', () => {
  for (const incremental of ['task', 'class'] as const) {
    it(`trains 2 tasks of split MNIST (${incremental}-IL): memory bounded, each training sample offered once, no tensor leaked over a task`, async () => {
      const scenario = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental, tasks: 2, classesPerTask: 2 },
        { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 100 });
      const method = der.create(der.hyperparameters.parse({ memorySize: 50 })) as Der;
      const before = tf.memory().numTensors, counts: number[] = [];
      const res = await trainContinual({
        scenario, network: { layers: [{ type: 'dense', units: 16 }] }, training: { ...training, epochs: 2 }, method, rng: new Rng(3),
        onTaskEnd: () => { counts.push(tf.memory().numTensors); },
      });
      expect(counts[1]).toBe(counts[0]);                                    // one logits table, allocated in task 0, nothing added
      expect(tf.memory().numTensors).toBe(before);
      expect(res.accuracyMatrix[0][0]).toBeGreaterThan(0.7);
      expect(res.accuracyMatrix[1][1]).toBeGreaterThan(0.7);
      const width = incremental === 'task' ? 2 : 4, trainN = scenario.tasks[0].train.n + scenario.tasks[1].train.n;
      // logits as wide as the head: task-IL 2 outputs, class-IL one head over the scenario's 4 classes
      expect(res.diagnostics.memory).toMatchObject({ capacity: 50, stored: 50, offered: trainN, bytes: 50 * (784 * 4 + 8) + 50 * width * 4 });
    });
  }

  it('class-IL: after task 2 it still classifies task 1\'s digits, where naive has forgotten them', async () => {
    const scenario = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'class', tasks: 2, classesPerTask: 2 },
      { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 200 });
    const runWith = async (method: ContinualMethod) =>
      (await trainContinual({ scenario, network: { layers: [{ type: 'dense', units: 32 }] }, training: { ...training, epochs: 2 }, method, rng: new Rng(4) })).accuracyMatrix[1][0];
    const withDer = await runWith(der.create(der.hyperparameters.parse({ memorySize: 100 })));
    const withNaive = await runWith({});                                  // no hook: naive fine-tuning
    expect(withNaive).toBeLessThan(0.2);
    expect(withDer).toBeGreaterThan(withNaive + 0.3);
  });
});
