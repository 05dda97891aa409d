import { accuracy, buildNetwork, initBackend, Rng, tf, trainContinual, type ContinualMethod, type MethodContext, type NetworkConfig, type Network, type PruningRecord, type Scenario, type Split, type StepContext, type TapeBatch, type TaskData, type TaskTools } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { describe, expect, it } from 'vitest';
import { activityL1, clnp, DEFAULT_ALPHA, type Clnp, type ClnpTaskDiagnostics } from './clnp.js';
import { reusedMass } from './reuse-mass.js';
import { chooseThresholds, keepMasks, PRUNE_ALL } from './prune.js';
import { reusedByAblation, reusedByEffectDense } from './reuse.js';
import { capacityWarning, FREE } from './units.js';

const training = { optimizer: 'adam' as const, lr: 2e-3, epochs: 2, batchSize: 32, validationFraction: 0.15, budget: 'consolidation-extra' as const };
const mlp: NetworkConfig = { layers: [{ type: 'dense', units: 32 }, { type: 'dense', units: 32 }] };
const conv: NetworkConfig = { layers: [{ type: 'conv2d', filters: 6, kernelSize: 3, padding: 'same', pool: 2 }, { type: 'conv2d', filters: 8, kernelSize: 3, padding: 'same', pool: 2 }, { type: 'dense', units: 16 }] };

// conv nets run ~10× slower on these backends: fewer samples keep the test short
function scenario(image: boolean, tasks = 4): Scenario {
  return buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'task', tasks, classesPerTask: 2 }, { seed: 0, ordering: [], validationFraction: 0.15, image, limit: image ? 60 : 200 });
}

/** Train CLNP; after every task record each finished task's logits on its first 64 test samples. */
async function trainAndWatch(network: NetworkConfig, image: boolean, hp: Record<string, unknown> = {}, tasks = 4) {
  const sc = scenario(image, tasks);
  const method = clnp.create(clnp.hyperparameters.parse(hp)) as Clnp;
  const logits: Float32Array[][] = []; // logits[i][j]: task j's logits after task i (j ≤ i)
  const checks: { severedNonZero: number; frozenMoved: boolean }[] = [];
  const tensorCounts: number[] = [];
  let prevWeights: Float32Array[] | null = null;
  const res = await trainContinual({
    scenario: sc, network, training, method, rng: new Rng(7),
    onTaskEnd: (t, net) => {
      logits.push(sc.tasks.slice(0, t + 1).map((task) => tf.tidy(() => {
        const n = Math.min(64, task.test.n), D = task.test.x.length / task.test.n;
        return net.forward(tf.tensor2d(task.test.x.subarray(0, n * D), [n, D]), task.id).logits.dataSync() as Float32Array;
      })));
      checks.push({ severedNonZero: severedNonZero(net, method), frozenMoved: prevWeights !== null && frozenMoved(net, method, prevWeights, t) });
      prevWeights = net.layers.map((l) => Float32Array.from(l.W.dataSync()));
      tensorCounts.push(tf.memory().numTensors);
    },
  });
  return { res, logits, checks, tensorCounts, diag: (res.diagnostics.clnp as { tasks: ClnpTaskDiagnostics[] }).tasks, warnings: res.warnings };
}

/** Weights from a free unit into an active unit that are not exactly 0. */
function severedNonZero(net: Network, method: Clnp): number {
  let bad = 0;
  net.layers.forEach((layer, l) => {
    if (l === 0) return;
    const W = layer.W.dataSync(), prev = method.owners.owner[l - 1], own = method.owners.owner[l];
    for (let r = 0; r < layer.rows; r++) for (let u = 0; u < layer.units; u++) {
      if (prev[layer.inputUnitOfRow(r)] === FREE && own[u] !== FREE && W[r * layer.units + u] !== 0) bad++;
    }
  });
  return bad;
}

/** Did any weight into a unit owned by a task < t change during task t? */
function frozenMoved(net: Network, method: Clnp, prev: Float32Array[], t: number): boolean {
  return net.layers.some((layer, l) => {
    const W = layer.W.dataSync(), own = method.owners.owner[l];
    for (let i = 0; i < W.length; i++) { const o = own[i % layer.units]; if (o !== FREE && o < t && W[i] !== prev[l][i]) return true; }
    return false;
  });
}

for (const backend of ['wasm', 'cpu'] as const) {
  for (const [name, network, image] of [['MLP', mlp, false], ['conv net', conv, true]] as const) {
    describe(`CLNP zero forgetting — ${name} on ${backend}`, () => {
      it('earlier tasks\' logits are bit-identical after every later task, and R[i][j] == R[j][j]', async () => {
        await initBackend(backend);
        const { res, logits, checks } = await trainAndWatch(network, image);
        const T = logits.length;
        expect(T).toBe(4);
        for (let j = 0; j < T; j++) for (let i = j + 1; i < T; i++) {
          expect(logits[i][j].length).toBeGreaterThan(0);
          expect(Array.from(logits[i][j])).toEqual(Array.from(logits[j][j])); // bit for bit (toEqual on numbers is ===, NaN-safe)
        }
        for (let j = 0; j < T; j++) for (let i = j; i < T; i++) expect(res.accuracyMatrix[i][j]).toBe(res.accuracyMatrix[j][j]);
        for (const c of checks) { expect(c.severedNonZero).toBe(0); expect(c.frozenMoved).toBe(false); }
        if (!image) expect(res.accuracyMatrix[T - 1].every((a) => a > 0.6)).toBe(true);
      });
    });
  }
}

/** Accuracy by a second code path: logits to JS, argmax here (the trainer uses tf argMax/equal). */
function ownAccuracy(net: Network, split: Split, head: number): number {
  const D = split.x.length / split.n;
  const logits = tf.tidy(() => net.forward(tf.tensor2d(split.x, [split.n, D]), head).logits.dataSync() as Float32Array);
  const K = logits.length / split.n;
  let correct = 0;
  for (let i = 0; i < split.n; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (logits[i * K + k] > logits[i * K + best]) best = k;
    if (best === split.y[i]) correct++;
  }
  return correct / split.n;
}

/** CLNP with a spy that measures, by the second code path, each task's accuracies just before afterTask (pruning). */
function spied(hp: Record<string, unknown>) {
  const method = clnp.create(clnp.hyperparameters.parse(hp)) as Clnp;
  const before: { val: number; test: number }[] = [];
  const spy: ContinualMethod = Object.assign(Object.create(method) as ContinualMethod, {
    afterTask(task: TaskData, ctx: MethodContext, tools: TaskTools) {
      before.push({ val: ownAccuracy(ctx.net, task.validation, ctx.head), test: ownAccuracy(ctx.net, task.test, ctx.head) });
      return method.afterTask!(task, ctx, tools);
    },
  });
  return { method, spy, before };
}

describe('CLNP pruning, checked by a second code path', () => {
  for (const thresholdSearch of ['per-layer', 'global'] as const) {
    it(`${thresholdSearch} threshold search end to end: accuracies before pruning and of the severed network (recomputed here) match the diagnostics, within m; no tensor leaks`, async () => {
      await initBackend('wasm');
      const tensorsBefore = tf.memory().numTensors;
      const sc = scenario(false, 3), margin = 0.02;
      const { method, spy, before } = spied({ margin, fineTuneEpochs: 0, thresholdSearch });
      const after: number[] = [], zeroHeadRows: number[] = [], counts: number[] = [];
      const res = await trainContinual({
        scenario: sc, network: mlp, training, method: spy, rng: new Rng(7),
        onTaskEnd: (t, net) => {
          after.push(ownAccuracy(net, sc.tasks[t].validation, t)); // the severed, frozen network: no unit masks
          const H = net.heads[t].W.dataSync(), K = net.heads[t].W.shape[1]!;
          let zero = 0;
          for (let r = 0; r < H.length / K; r++) if (H.subarray(r * K, (r + 1) * K).every((v) => v === 0)) zero++;
          zeroHeadRows.push(zero);
          counts.push(tf.memory().numTensors);
        },
      });
      const diag = (res.diagnostics.clnp as { tasks: ClnpTaskDiagnostics[] }).tasks;
      const pruning = (res.diagnostics.pruning as { tasks: PruningRecord[] }).tasks;
      const L = mlp.layers.length;
      for (let t = 0; t < 3; t++) {
        expect(diag[t].valAccUnpruned).toBe(before[t].val);
        expect(diag[t].valAccPruned).toBe(after[t]); // unit masks (the search) vs severed weights (here): same network
        expect(after[t]).toBeGreaterThanOrEqual(before[t].val - margin - 1e-12);
        expect(pruning[t].testAccBeforePruning).toBe(before[t].test);
        expect(pruning[t].testAccAfterConsolidation).toBe(res.accuracyMatrix[t][t]);
        // free units of the last layer are exactly the head rows that are all zero
        expect(zeroHeadRows[t]).toBe(diag[t].layers[L - 1].free);
        if (thresholdSearch === 'global') {
          expect(new Set(diag[t].thresholds).size).toBe(1);
          expect(diag[t].searchEvaluations).toBe(clnp.hyperparameters.parse({}).thresholds.length); // 0 is on the grid: every value once
        }
      }
      expect(zeroHeadRows[0]).toBeGreaterThan(0); // the first task did not take every unit
      expect(new Set(counts).size).toBe(1);
      expect(tf.memory().numTensors).toBe(tensorsBefore);
    });
  }

  it('zero forgetting with dropout layers: earlier tasks\' logits bit-identical', async () => {
    await initBackend('wasm');
    const withDropout: NetworkConfig = { layers: [{ type: 'dense', units: 32 }, { type: 'dropout', rate: 0.3 }, { type: 'dense', units: 32 }, { type: 'dropout', rate: 0.3 }] };
    const { logits, checks, res } = await trainAndWatch(withDropout, false, {}, 3);
    for (let j = 0; j < 3; j++) for (let i = j + 1; i < 3; i++) expect(Array.from(logits[i][j])).toEqual(Array.from(logits[j][j]));
    for (const c of checks) { expect(c.severedNonZero).toBe(0); expect(c.frozenMoved).toBe(false); }
    for (let j = 0; j < 3; j++) expect(res.accuracyMatrix[2][j]).toBe(res.accuracyMatrix[j][j]);
  });

  it('fine-tuning after pruning keeps zero forgetting', async () => {
    await initBackend('wasm');
    const { logits, checks } = await trainAndWatch(mlp, false, { fineTuneEpochs: 1, weightDecay: 1e-4 }, 3);
    for (let j = 0; j < 3; j++) for (let i = j + 1; i < 3; i++) expect(Array.from(logits[i][j])).toEqual(Array.from(logits[j][j]));
    for (const c of checks) expect(c.severedNonZero).toBe(0);
  });
});

describe('CLNP reuse on a trained network', () => {
  it('weight-cutting with full forward passes and the cached-activation computation agree, and match the diagnostics', async () => {
    await initBackend('wasm');
    const sc = scenario(false, 4);
    const method = clnp.create(clnp.hyperparameters.parse({})) as Clnp;
    const tol = clnp.hyperparameters.parse({}).reuseTolerance;
    const full: number[][] = [];
    const res = await trainContinual({
      scenario: sc, network: mlp, training, method, rng: new Rng(7),
      onTaskEnd: (t, net) => {
        const val = sc.tasks[t].validation;
        const a = reusedByAblation(net, method.owners, t, t, () => accuracy(net, val, t), tol);
        expect(reusedByEffectDense(net, method.owners, t, t, val, tol)).toEqual(a);
        full.push(a.reused);
      },
    });
    const diag = (res.diagnostics.clnp as { tasks: ClnpTaskDiagnostics[] }).tasks;
    expect(diag.map((d) => d.layers.map((l) => l.reused))).toEqual(full);
    expect(full[0]).toEqual([0, 0]); // nothing earlier to reuse
    expect(full.flat().some((n) => n > 0)).toBe(true);
  });

  it('the weight-mass share recorded after each task is what the final network gives (frozen, severed weights), and ablation\'s units carry mass', async () => {
    await initBackend('wasm');
    const sc = scenario(false, 4);
    const method = clnp.create(clnp.hyperparameters.parse({})) as Clnp;
    // A second computation after the last task, with the final owner map: later tasks' units are
    // severed from task t's units and t's weights are frozen, so the share cannot have moved.
    let atEnd: (number | null)[][] = [];
    const res = await trainContinual({
      scenario: sc, network: mlp, training, method, rng: new Rng(7),
      onTaskEnd: (t, net) => { if (t === 3) atEnd = [0, 1, 2, 3].map((k) => reusedMass(net, method.owners, k, k)); },
    });
    const diag = (res.diagnostics.clnp as { tasks: ClnpTaskDiagnostics[] }).tasks;
    expect(atEnd).toEqual(diag.map((d) => d.layers.map((l) => l.reusedMass)));
    expect(diag[0].layers.map((l) => l.reusedMass)).toEqual([0, 0]);
    for (const d of diag.slice(1)) d.layers.forEach((l) => { if (l.reused > 0) expect(l.reusedMass, `task ${d.task} layer ${l.layer}`).toBeGreaterThan(0); });
    const flat = (res.diagnostics.clnp as { layers: { task: number; layer: number; reusedMass: number | null }[] }).layers;
    expect(flat.map((r) => r.reusedMass)).toEqual(diag.flatMap((d) => d.layers.map((l) => l.reusedMass)));
  });
});

describe('CLNP fine-tuning runs without the L1 term', () => {
  it('the L1 term on activations by hand: α · Σ_l Σ_u mean over samples of a·[unit free]', () => {
    const acts = [tf.tensor2d([[1, 2, 3], [3, 4, 5]]), tf.tensor2d([[0, 8], [2, 0]])];
    const free = [tf.tensor2d([1, 0, 1], [3, 1]), tf.tensor2d([1, 1], [2, 1])];
    // layer 0: units 0 and 2 free: (1 + 3)/2 + (3 + 5)/2 = 6; layer 1: (0 + 2)/2 + (8 + 0)/2 = 5
    expect(activityL1(acts, free, 0.3).dataSync()[0]).toBeCloseTo(0.3 * (6 + 5), 5);
    tf.dispose([...acts, ...free]);
  });

  it('one α presses on a unit the same at two widths: the gradient per free unit is α/N at 3 and at 300 units', () => {
    // Hand computation: d/da_{n,u} of α·Σ_u m_u·mean_n a_{n,u} = α·m_u/N, whatever the width.
    const alpha = 0.01, N = 4;
    for (const units of [3, 300]) {
      const a = tf.ones([N, units]) as tf.Tensor2D;
      const freeCol = tf.tensor2d(Float32Array.from({ length: units }, (_, u) => (u === 1 ? 0 : 1)), [units, 1]);
      const g = tf.grad((x: tf.Tensor) => activityL1([x], [freeCol], alpha))(a).dataSync();
      for (let k = 0; k < g.length; k++) expect(g[k], `width ${units}, element ${k}`).toBeCloseTo(k % units === 1 ? 0 : alpha / N, 9);
      // the value: every free unit's mean activity is 1, so α · (units − 1)
      expect(activityL1([a], [freeCol], alpha).dataSync()[0]).toBeCloseTo(alpha * (units - 1), 4);
      tf.dispose([a, freeCol]);
    }
  });

  it('batchLoss adds the term in every training step and nothing in the fine-tuning (consolidation) steps', async () => {
    await initBackend('wasm');
    const alpha = 4e-4, method = clnp.create(clnp.hyperparameters.parse({ alpha, fineTuneEpochs: 1 })) as Clnp;
    const seen: { task: number; phase: string; got: number | null; want: number }[] = [];
    const spy: ContinualMethod = Object.assign(Object.create(method) as ContinualMethod, {
      batchLoss(batch: TapeBatch, step: StepContext) {
        const got = method.batchLoss!(batch, step);
        // the same term recomputed in plain numbers: units free before the task's pruning (owner FREE)
        let want = 0;
        batch.activations.forEach((a, l) => {
          const units = a.shape[1]!, v = a.dataSync(), owner = method.owners.owner[l];
          let sum = 0;
          for (let k = 0; k < v.length; k++) if (owner[k % units] === FREE) sum += v[k];
          want += sum / (v.length / units); // Σ over free units of the mean over samples
        });
        seen.push({ task: step.taskId, phase: step.phase, got: got ? got.dataSync()[0] : null, want: alpha * want });
        return got;
      },
    });
    await trainContinual({ scenario: scenario(false, 2), network: mlp, training, method: spy, rng: new Rng(7) });
    const training0 = seen.filter((s) => s.phase === 'training'), fineTuning = seen.filter((s) => s.phase === 'consolidation');
    expect(training0.length).toBeGreaterThan(0);
    expect(fineTuning.length).toBeGreaterThan(0);
    for (const s of training0) expect(s.got).toBeCloseTo(s.want, 5);
    expect(training0.some((s) => s.task === 1)).toBe(true);
    expect(method.owners.owner.every((layer) => Array.from(layer).includes(0))).toBe(true);  // task 1's steps ran with task 0's units masked out
    expect(fineTuning.every((s) => s.got === null)).toBe(true);
  });
});

describe('CLNP sparsity modes at their defaults', () => {
  it('each mode has its own α and both learn every task well above chance (before any fine-tuning)', async () => {
    await initBackend('wasm');
    expect(clnp.hyperparameters.parse({}).alpha).toBe(DEFAULT_ALPHA.activations);
    expect(clnp.hyperparameters.parse({ sparsity: 'weights' }).alpha).toBe(DEFAULT_ALPHA.weights);
    expect(clnp.hyperparameters.parse({ sparsity: 'weights', alpha: 0.3 }).alpha).toBe(0.3);
    for (const sparsity of ['activations', 'weights'] as const) {
      const { diag, logits } = await trainAndWatch(mlp, false, { sparsity, fineTuneEpochs: 0 }, 3);
      // validation accuracy of the trained, unpruned network: 2-way tasks, chance 0.5
      for (const d of diag) expect(d.valAccUnpruned, `${sparsity} task ${d.task}`).toBeGreaterThan(0.85);
      for (let j = 0; j < 3; j++) for (let i = j + 1; i < 3; i++) expect(Array.from(logits[i][j])).toEqual(Array.from(logits[j][j]));
    }
  });
});

describe('CLNP capacity', () => {
  it('a full layer: the warning names it and what the task can still train, the run records it, earlier tasks are untouched', async () => {
    await initBackend('wasm');
    // threshold grid [0] keeps every live unit: the first task takes (almost) the whole layer
    const { logits, warnings, diag } = await trainAndWatch({ layers: [{ type: 'dense', units: 8 }] }, false, { thresholds: [0], alpha: 0 }, 3);
    const full = diag.filter((d) => d.fullLayers.length > 0);
    expect(full.length).toBeGreaterThan(0);
    for (const d of full) {
      expect(d.fullLayers).toEqual([0]);
      expect(d.layers[0].active).toBe(0);
      expect(warnings).toContain(`clnp: capacity exhausted — layer 0 (8 units) has no free units left; task ${d.task} can train only its head, on the frozen units of layer 0`);
      // (its head trains on 8 frozen features of earlier tasks: measured 0.56 here, near chance 0.5)
    }
    for (let j = 0; j < 3; j++) for (let i = j + 1; i < 3; i++) expect(Array.from(logits[i][j])).toEqual(Array.from(logits[j][j]));
    // the forecast agrees with the unit counts, and warned once, after task 0, that the 2 tasks left may not fit
    diag.forEach((d, t) => {
      const c = d.capacity![0], owned = 8 - d.layers[0].free;
      expect([c.free, c.taken, c.meanTaken]).toEqual([d.layers[0].free, d.layers[0].active, owned / (t + 1)]);
    });
    const forecasts = warnings.filter((w) => w.includes('may not fit'));
    expect(forecasts).toHaveLength(1);
    expect(forecasts[0]).toMatch(/^clnp: after task 0, the 2 remaining tasks may not fit at this sparsity \(forecast at the mean size so far; later tasks often take fewer units\): layer 0 has \d of 8 units free/);
  });

  it('a layer may be pruned completely (θ > 1): the task adds no unit there and reads only earlier units', async () => {
    await initBackend('wasm');
    // margin 1 admits any accuracy: from task 1 on, the per-layer search raises θ of every layer to PRUNE_ALL
    const { diag, logits, checks } = await trainAndWatch(mlp, false, { margin: 1, thresholds: [PRUNE_ALL] }, 3);
    for (const d of diag) expect(d.thresholds).toEqual([PRUNE_ALL, PRUNE_ALL]);
    for (const d of diag) d.layers.forEach((l) => { expect(l.active).toBe(0); expect(l.free).toBe(l.units); });
    for (const c of checks) expect(c.severedNonZero).toBe(0);
    for (let j = 0; j < 3; j++) for (let i = j + 1; i < 3; i++) expect(Array.from(logits[i][j])).toEqual(Array.from(logits[j][j]));
  });

  it('capacityWarning: with a later layer full, the free units below it feed nothing', () => {
    const net = buildNetwork({ layers: [{ type: 'dense', units: 4 }, { type: 'dense', units: 3 }, { type: 'dense', units: 2 }] }, [5], [2, 2], new Rng(0));
    expect(capacityWarning(net, [1], 2)).toBe('clnp: capacity exhausted — layer 1 (3 units) has no free units left; task 2 can train only the free units of layer 2 (reading the frozen units of layer 1) and its head; the free units of layers below 1 feed nothing it uses');
    expect(capacityWarning(net, [0, 2], 3)).toBe('clnp: capacity exhausted — layer 0 (4 units), layer 2 (2 units) have no free units left; task 3 can train only its head, on the frozen units of layer 2; the free units of layers below 2 feed nothing it uses');
    net.dispose();
  });
});

describe('chooseThresholds (graceful forgetting)', () => {
  it('global: picks the largest admissible grid value, even past an inadmissible one', () => {
    const acc: Record<number, number> = { 0: 0.95, 0.1: 0.948, 0.2: 0.93, 0.3: 0.942, 0.5: 0.80 };
    const c = chooseThresholds([0.5, 0.2, 0.1, 0.3], 2, (t) => acc[t[0]], 0.95, 0.01, 'global');
    expect(c.thetas).toEqual([0.3, 0.3]);
    expect(c.accuracy).toBe(0.942);
    expect(c.evaluations).toBe(5);
  });
  it('per-layer: raises each layer to its largest admissible value', () => {
    // accuracy falls by 1 point per grid step of layer 0 past 0.2, and by 10 points past 0.5 on layer 1
    const acc = ([a, b]: number[]) => 0.95 - (a > 0.2 ? ((a - 0.2) / 0.1) * 0.01 : 0) - (b > 0.5 ? 0.1 : 0);
    const c = chooseThresholds([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], 2, acc, 0.95, 0.015, 'per-layer');
    expect(c.thetas).toEqual([0.3, 0.5]);
    expect(c.accuracy).toBeGreaterThanOrEqual(0.95 - 0.015);
  });
  it('per-layer: spends the margin first on the layer that keeps the largest fraction of its units', () => {
    // each step on either layer costs 1 point; margin 2 points allows two steps in all
    const acc = (t: number[]) => 0.95 - 0.01 * t.reduce((n, x) => n + Math.round(x / 0.1), 0);
    const kept = (l: number, theta: number) => (l === 1 ? 0.9 : 0.3) - theta; // layer 1 keeps far more units
    const c = chooseThresholds([0.1, 0.2, 0.3], 2, acc, 0.95, 0.0201, 'per-layer', kept);
    expect(c.thetas).toEqual([0, 0.2]);
    const plain = chooseThresholds([0.1, 0.2, 0.3], 2, acc, 0.95, 0.0201, 'per-layer');
    expect(plain.thetas).toEqual([0.2, 0]); // without a priority: layer 0 first, as long as it can rise
  });
  it('keepMasks: θ = PRUNE_ALL prunes every candidate, θ = 1 keeps only the most active one, non-candidates stay', () => {
    const act = [Float32Array.from([0.5, 2, 1, 0, 3])];
    const candidate = (_l: number, u: number) => u !== 4; // unit 4 belongs to an earlier task
    expect(Array.from(keepMasks(act, candidate, [PRUNE_ALL])[0])).toEqual([0, 0, 0, 0, 1]);
    expect(Array.from(keepMasks(act, candidate, [1])[0])).toEqual([0, 1, 0, 0, 1]);
    expect(Array.from(keepMasks(act, candidate, [0])[0])).toEqual([1, 1, 1, 0, 1]); // θ = 0: dead units only
  });
  it('falls back to θ = 0 (dead units only) when nothing is admissible', () => {
    expect(chooseThresholds([0.1, 0.2], 1, (t) => (t[0] === 0 ? 0.9 : 0.5), 0.9, 0.01, 'global').thetas).toEqual([0]);
    expect(chooseThresholds([0.1, 0.2], 3, (t) => (t.every((x) => x === 0) ? 0.9 : 0.5), 0.9, 0.01, 'per-layer').thetas).toEqual([0, 0, 0]);
  });
});
