import { initBackend, Rng, tf, trainContinual, type NetworkConfig, type Network, type Scenario } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { describe, expect, it } from 'vitest';
import { clnp, type Clnp, type ClnpTaskDiagnostics } from './clnp.js';
import { chooseThresholds } from './prune.js';
import { FREE } from './units.js';

const training = { optimizer: 'adam' as const, lr: 2e-3, epochs: 2, batchSize: 32, validationFraction: 0.15 };
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
        const { res, logits, checks, diag } = await trainAndWatch(network, image);
        const T = logits.length;
        expect(T).toBe(4);
        for (let j = 0; j < T; j++) for (let i = j + 1; i < T; i++) {
          expect(logits[i][j].length).toBeGreaterThan(0);
          expect(Array.from(logits[i][j])).toEqual(Array.from(logits[j][j])); // bit for bit (toEqual on numbers is ===, NaN-safe)
        }
        for (let j = 0; j < T; j++) for (let i = j; i < T; i++) expect(res.accuracyMatrix[i][j]).toBe(res.accuracyMatrix[j][j]);
        for (const c of checks) { expect(c.severedNonZero).toBe(0); expect(c.frozenMoved).toBe(false); }
        // each task learned something and used units
        for (const d of diag) expect(d.layers.reduce((s, l) => s + l.active + l.reused, 0)).toBeGreaterThan(0);
        if (!image) expect(res.accuracyMatrix[T - 1].every((a) => a > 0.6)).toBe(true);
      });
    });
  }
}

describe('CLNP pruning and bookkeeping', () => {
  it('free units never increase, pruned validation accuracy ≥ unpruned − m, and no tensor leaks', async () => {
    await initBackend('wasm');
    const before = tf.memory().numTensors;
    const { diag, tensorCounts } = await trainAndWatch(mlp, false, { margin: 0.02 });
    for (let t = 1; t < diag.length; t++) diag[t].layers.forEach((l, i) => expect(l.free).toBeLessThanOrEqual(diag[t - 1].layers[i].free));
    for (const d of diag) {
      expect(d.valAccPruned).toBeGreaterThanOrEqual(d.valAccUnpruned - 0.02);
      d.layers.forEach((l) => expect(l.free + l.active).toBeLessThanOrEqual(l.units));
    }
    // pruning actually pruned: the first task did not take every unit
    expect(diag[0].layers.some((l) => l.free > 0)).toBe(true);
    expect(new Set(tensorCounts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('fine-tuning after pruning keeps zero forgetting', async () => {
    await initBackend('wasm');
    const { logits, checks } = await trainAndWatch(mlp, false, { fineTuneEpochs: 1, weightDecay: 1e-4 }, 3);
    for (let j = 0; j < 3; j++) for (let i = j + 1; i < 3; i++) expect(Array.from(logits[i][j])).toEqual(Array.from(logits[j][j]));
    for (const c of checks) expect(c.severedNonZero).toBe(0);
  });

  it('L1 on weights (the alternative sparsity) also keeps zero forgetting', async () => {
    await initBackend('wasm');
    const { logits } = await trainAndWatch(mlp, false, { sparsity: 'weights', alpha: 1e-5 }, 3);
    for (let j = 0; j < 3; j++) for (let i = j + 1; i < 3; i++) expect(Array.from(logits[i][j])).toEqual(Array.from(logits[j][j]));
  });

  it('capacity exhaustion: a full layer gives a warning, never a crash or a change to earlier tasks', async () => {
    await initBackend('wasm');
    // threshold grid [0] keeps every live unit: the first task takes (almost) the whole layer
    const { logits, warnings, res } = await trainAndWatch({ layers: [{ type: 'dense', units: 8 }] }, false, { thresholds: [0], alpha: 0 }, 3);
    expect(warnings.some((w) => /no free units left/.test(w))).toBe(true);
    for (let j = 0; j < 3; j++) for (let i = j + 1; i < 3; i++) expect(Array.from(logits[i][j])).toEqual(Array.from(logits[j][j]));
    expect(res.accuracyMatrix).toHaveLength(3);
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
  it('falls back to θ = 0 (dead units only) when nothing is admissible', () => {
    expect(chooseThresholds([0.1, 0.2], 1, (t) => (t[0] === 0 ? 0.9 : 0.5), 0.9, 0.01, 'global').thetas).toEqual([0]);
    expect(chooseThresholds([0.1, 0.2], 3, (t) => (t.every((x) => x === 0) ? 0.9 : 0.5), 0.9, 0.01, 'per-layer').thetas).toEqual([0, 0, 0]);
  });
});
