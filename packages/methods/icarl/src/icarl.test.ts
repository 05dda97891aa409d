import { buildNetwork, initBackend, Network, Rng, rowsOf, tf, trainContinual, type MethodContext, type Scenario, type Split, type TapeBatch, type TaskData } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ExemplarSets } from './exemplars.js';
import { herdingSelection, l2NormaliseRows } from './herding.js';
import { icarl, normalisedFeatures, type Icarl } from './icarl.js';
import { icarlLoss, icarlTargets } from './loss.js';
import { exemplarMean, nearestMeanLabels } from './nme.js';

beforeAll(async () => { await initBackend('wasm'); });

const training = { optimizer: 'adam' as const, lr: 5e-3, epochs: 1, batchSize: 16, validationFraction: 0.1, budget: 'consolidation-extra' as const };
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

describe('herding (Alg. 4) on a constructed 2-D set', () => {
  // Raw features whose L2-normalised forms are a = (1, 0), b = (0, 1), c = (.6, .8), d = (.8, .6), e = (.28, .96).
  // μ = (.536, .672). By hand, ‖μ − (S + φ)/k‖² for each candidate:
  //   k=1: a .66688  b .39488  c .02048  d .07488  e .14848              → c
  //   k=2: a .14368  b .10768  d .02768  e .05248                       → d
  //   k=3: a .111857 b .021191 e .013724                                → e
  //   k=4: a .02468  b .04168                                           → a  (b is nearer to μ than a: herding ≠ ranking by distance)
  //   k=5: b
  const raw = [[2, 0], [0, 5], [3, 4], [8, 6], [7, 24]];

  it('picks c, d, e, a, b (indices 2, 3, 4, 0, 1) after normalising the features', () => {
    const features = l2NormaliseRows(Float32Array.from(raw.flat()), 5, 2);
    expect(Array.from(features)).toEqual(Array.from(Float32Array.from([1, 0, 0, 1, 0.6, 0.8, 0.8, 0.6, 0.28, 0.96])));
    expect(Array.from(herdingSelection(features, 5, 2, 5))).toEqual([2, 3, 4, 0, 1]);
    expect(Array.from(herdingSelection(features, 5, 2, 3))).toEqual([2, 3, 4]);        // m < n: the first m of the same order
    expect(Array.from(herdingSelection(features, 5, 2, 9))).toEqual([2, 3, 4, 0, 1]);  // m > n: every sample once
  });

  it('agrees with Alg. 4 written literally (argmin of the distance, float64) on 40 random 3-D features', () => {
    const rng = new Rng(5), n = 40, F = 3;
    const features = l2NormaliseRows(Float32Array.from({ length: n * F }, () => rng.next() - 0.3), n, F);
    const mu = [0, 1, 2].map((f) => features.filter((_, i) => i % F === f).reduce((s, v) => s + v, 0) / n);
    const S = [0, 0, 0], chosen = new Set<number>(), want: number[] = [];
    for (let k = 1; k <= 12; k++) {
      let best = -1, bestD = Infinity;
      for (let i = 0; i < n; i++) {
        if (chosen.has(i)) continue;
        const d = Math.hypot(...mu.map((m, f) => m - (S[f] + features[i * F + f]) / k));
        if (d < bestD) { best = i; bestD = d; }
      }
      chosen.add(best); want.push(best);
      for (let f = 0; f < F; f++) S[f] += features[best * F + f];
    }
    expect(Array.from(herdingSelection(features, n, F, 12))).toEqual(want);
  });
});

describe('nearest mean of exemplars (Alg. 1) on a hand case', () => {
  it('means are re-normalised; a query at 56° goes to class 3, whose raw mean is farther than class 7\'s', () => {
    // class 3: exemplars (1, 0), (.6, .8) → mean (.8, .4) → μ̂₃ = (2, 1)/√5; class 7: (0, 1) → μ̂₇ = (0, 1).
    const mu3 = exemplarMean(Float32Array.from([1, 0, 0.6, 0.8]), 2, 2), mu7 = exemplarMean(Float32Array.from([0, 1]), 1, 2);
    expect(mu3[0]).toBeCloseTo(2 / Math.sqrt(5), 6);
    expect(mu3[1]).toBeCloseTo(1 / Math.sqrt(5), 6);
    // φ(4, 6) = (2, 3)/√13: ‖φ − μ̂₃‖² = 2 − 14/√65 = 0.2635 < ‖φ − μ̂₇‖² = 2 − 6/√13 = 0.3359 → 3
    // (with the raw mean (.8, .4): 1.8 − 2·φ·(.8, .4) = 0.4468 > 0.3359 → 7).  (1, 10) → 7, (10, 1) → 3.
    const labels = tf.tidy(() => nearestMeanLabels(tf.tensor2d([[4, 6], [1, 10], [10, 1]]), tf.tensor2d([...mu3, ...mu7], [2, 2]), tf.tensor1d([3, 7], 'int32')));
    expect(Array.from(labels.dataSync())).toEqual([3, 7, 3]);
    labels.dispose();
  });
});

describe('the representation loss (Alg. 3): sigmoid BCE with distillation targets', () => {
  it('matches the formula by hand, value and gradient σ(z) − q over N', () => {
    // seen classes as columns (old, new, new); sample 0 is labelled column 1, sample 1 column 2
    const z = [[0.5, -1, 2], [0, 1, -0.5]], old = [[1, 9, 9], [-2, 9, 9]], onehot = [[0, 1, 0], [0, 0, 1]];
    const q = z.map((row, i) => row.map((_, c) => (c === 0 ? sigmoid(old[i][0]) : onehot[i][c])));  // q_i^y; new classes: δ
    const bce = (v: number, t: number) => -(t * Math.log(sigmoid(v)) + (1 - t) * Math.log(1 - sigmoid(v)));
    const want = z.flatMap((row, i) => row.map((v, c) => bce(v, q[i][c]))).reduce((s, v) => s + v, 0) / 2;
    const [value, grad] = tf.tidy(() => {
      const targets = icarlTargets(tf.tensor2d(onehot), tf.tensor2d(old), tf.tensor1d([1, 0, 0]));
      const f = (zt: tf.Tensor) => icarlLoss(zt as tf.Tensor2D, targets);
      return [f(tf.tensor2d(z)).dataSync()[0], tf.grad(f)(tf.tensor2d(z)).arraySync() as number[][]];
    });
    expect(value).toBeCloseTo(want, 5);
    grad.forEach((row, i) => row.forEach((g, c) => expect(g).toBeCloseTo((sigmoid(z[i][c]) - q[i][c]) / 2, 6)));
  });

  it('the method\'s taskLoss: old classes distilled from the network before the task, new ones from labels, unseen classes left out', () => {
    // A network without hidden layers (logits = x W + b), 4 outputs; task 0 held class 2, the current task class 0:
    // seen {0, 2}, old {2}; classes 1 and 3 unseen.
    const net = buildNetwork({ layers: [] }, [2], [4], new Rng(1));
    const task = (id: number, classes: number[]): TaskData => ({ id, name: `t${id}`, classes, train: EMPTY, validation: EMPTY, test: EMPTY });
    const scenario: Scenario = { name: 'hand-made', incremental: 'class', inputShape: [2], headOutputs: [4], tasks: [] };
    const ctx: MethodContext = { net, scenario, training, rng: new Rng(2), taskId: 1, head: 0, finished: [task(0, [2])], warn: () => {} };
    const method = icarl.create({ memorySize: 10 }) as Icarl;
    method.beforeTask(task(1, [0]), ctx);
    const W0 = Array.from(net.heads[0].W.dataSync()), b0 = Array.from(net.heads[0].b.dataSync());
    net.heads[0].W.assign(net.heads[0].W.add(0.5)); net.heads[0].b.assign(tf.tensor1d([0.3, -0.2, 0.1, 0.4]));   // the network moves on
    const W1 = Array.from(net.heads[0].W.dataSync()), b1 = Array.from(net.heads[0].b.dataSync());
    const x = [[1, -2], [0.5, 0.5]], y = [0, 2];
    const logit = (W: number[], b: number[], row: number[], k: number) => b[k] + row[0] * W[k] + row[1] * W[4 + k];
    let want = 0;
    x.forEach((row, i) => {
      for (const k of [0, 2]) {
        const target = k === 2 ? sigmoid(logit(W0, b0, row, 2)) : Number(y[i] === k);        // q (old class 2) or δ (new class 0)
        const v = logit(W1, b1, row, k);
        want += -(target * Math.log(sigmoid(v)) + (1 - target) * Math.log(1 - sigmoid(v))) / 2;
      }
    });
    const got = tf.tidy(() => {
      const xt = tf.tensor2d(x), out = net.forward(xt, 0);
      const batch = { x: xt, y: tf.tensor1d(y, 'int32'), head: 0, logits: out.logits, features: out.features, activations: out.activations } as TapeBatch;
      return method.taskLoss(batch).dataSync()[0];
    });
    expect(got).toBeCloseTo(want, 5);
    method.dispose(); net.dispose();
  });
});

describe('exemplar sets', () => {
  it('ReduceExemplarSet (Alg. 5) keeps the first m of each class, in herding order; the memory is one split', () => {
    const sets = new ExemplarSets(2);
    sets.set(4, Float32Array.from([1, 1, 2, 2, 3, 3, 4, 4]));               // p_1..p_4 of class 4
    sets.set(1, Float32Array.from([10, 10, 20, 20, 30, 30]));               // p_1..p_3 of class 1
    sets.reduce(2);
    expect([sets.count(1), sets.count(4), sets.size, sets.bytes]).toEqual([2, 2, 4, 4 * (2 * 4 + 4)]);
    const split = sets.asSplit();
    expect(Array.from(split.x)).toEqual([10, 10, 20, 20, 1, 1, 2, 2]);
    expect(Array.from(split.y)).toEqual([1, 1, 4, 4]);
    sets.reduce(3);                                                         // a larger m keeps everything
    expect(sets.size).toBe(4);
    const back = ExemplarSets.load(sets.save());
    expect(Array.from(back.asSplit().x)).toEqual(Array.from(split.x));
  });
});

describe('icarl in a continual run', () => {
  const scenario = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'class', tasks: 3, classesPerTask: 2 },
    { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 60 });

  it('3 tasks: m = ⌊K / classes⌋ exemplars per class, drawn from training rows; exemplars trained with the task; R is NME accuracy; no leaked tensor', async () => {
    const method = icarl.create({ memorySize: 12 }) as Icarl;
    const before = tf.memory().numTensors, counts: number[] = [], nme: number[][] = [], perClass: Record<number, number>[] = [];
    let rows = 0;
    const atTaskEnd: number[] = [];
    const forward = Network.prototype.forward;
    const spy = vi.spyOn(Network.prototype, 'forward').mockImplementation(function (this: Network, ...args: Parameters<Network['forward']>) {
      if (args[2]) rows += args[0].shape[0];                                 // training passes only
      return forward.apply(this, args);
    });
    let res;
    try {
      res = await trainContinual({
        scenario, network: { layers: [{ type: 'dense', units: 16 }] }, training, method, rng: new Rng(3),
        onTaskEnd: (t, net) => {
          counts.push(tf.memory().numTensors); atTaskEnd.push(rows);
          perClass.push(Object.fromEntries(method.exemplars!.classes.map((y) => [y, method.exemplars!.count(y)])));
          nme.push(scenario.tasks.map((task) => nmeByHand(net, method, task.test)));
        },
      });
    } finally { spy.mockRestore(); }
    expect(perClass).toEqual([{ 0: 6, 1: 6 }, { 0: 3, 1: 3, 2: 3, 3: 3 }, { 0: 2, 1: 2, 2: 2, 3: 2, 4: 2, 5: 2 }]);  // 12/2, 12/4, 12/6
    for (const y of method.exemplars!.classes) {                              // every exemplar is a training row of its class
      const task = scenario.tasks[Math.floor(y / 2)].train, have = new Set<string>();
      for (let i = 0; i < task.n; i++) if (task.y[i] === y) have.add(rowsOf(task, [i]).join());
      const ex = method.exemplars!.rows(y);
      for (let k = 0; k < method.exemplars!.count(y); k++) expect(have.has(ex.subarray(k * 784, (k + 1) * 784).join())).toBe(true);
    }
    // task 1 trains on its rows and task 0's 12 exemplars, task 2 on its rows and 4 × 3
    expect(atTaskEnd[1] - atTaskEnd[0]).toBe(scenario.tasks[1].train.n + 12);
    expect(atTaskEnd[2] - atTaskEnd[1]).toBe(scenario.tasks[2].train.n + 12);
    res!.accuracyMatrix.forEach((row, t) => row.forEach((acc, j) => expect(Math.abs(acc - nme[t][j])).toBeLessThanOrEqual(1 / scenario.tasks[j].test.n + 1e-12)));
    expect(res!.accuracyMatrix[2].reduce((a, b) => a + b, 0) / 3).toBeGreaterThan(0.5);   // naive stays near 1/3 here
    expect(counts[2]).toBe(counts[0]);
    expect(tf.memory().numTensors).toBe(before);
    expect(res!.diagnostics).toMatchObject({ memory: { capacity: 12, stored: 12, bytes: 12 * (784 * 4 + 4) }, exemplarsPerClass: [6, 3, 2] });
  });

  it('refuses task- and domain-incremental scenarios with one line', () => {
    expect(icarl.supports).toEqual(['class']);                               // a suite pairing it otherwise is rejected (registry validate.ts)
    for (const incremental of ['task', 'domain'] as const) {
      const ctx = { scenario: { incremental } } as MethodContext;
      expect(() => icarl.create({ memorySize: 5 }).setup!(ctx)).toThrow(/^icarl: class-incremental only .*; this scenario is .*-incremental$/);
    }
  });
});

/** NME accuracy written apart from nme.ts: normalised features, the method's means, nearest in float64. */
function nmeByHand(net: Network, method: Icarl, split: Split): number {
  const { features, F } = normalisedFeatures(net, split), { mu, classes } = method.means!;
  let correct = 0;
  for (let i = 0; i < split.n; i++) {
    let best = -1, bestD = Infinity;
    for (let c = 0; c < classes.length; c++) {
      let d = 0;
      for (let f = 0; f < F; f++) d += (features[i * F + f] - mu[c * F + f]) ** 2;
      if (d < bestD) { best = classes[c]; bestD = d; }
    }
    if (best === split.y[i]) correct++;
  }
  return correct / split.n;
}

const EMPTY: Split = { x: new Float32Array(0), y: new Int32Array(0), n: 0 };
