import { initBackend, Rng, tf, trainContinual, type Network, type PruningRecord, type Scenario } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { describe, expect, it } from 'vitest';
import { FREE, packnet, smallestMagnitudes, type PackNet } from './packnet.js';

const training = { optimizer: 'adam' as const, lr: 5e-3, epochs: 2, batchSize: 32, validationFraction: 0.1, budget: 'consolidation-extra' as const };
const network = { layers: [{ type: 'dense' as const, units: 32 }, { type: 'dense' as const, units: 32 }] };
const scenario = (tasks = 4): Scenario => buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'task', tasks, classesPerTask: 2 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 100 });

const logitsOf = (net: Network, sc: Scenario, j: number) => tf.tidy(() => {
  const s = sc.tasks[j].test, n = Math.min(64, s.n), D = s.x.length / s.n;
  return Float32Array.from(net.forward(tf.tensor2d(s.x.subarray(0, n * D), [n, D]), j).logits.dataSync());
});

/** The same logits computed here in float64 from the weights: dense ReLU layers whose W keeps only the weights
 *  for which keep(layer, owner of the weight) holds, then head j. */
function logitsByHand(net: Network, sc: Scenario, j: number, keep: (l: number, owner: number) => boolean, owner: Int16Array[]): Float64Array {
  const s = sc.tasks[j].test, n = Math.min(64, s.n);
  let width = s.x.length / s.n, h = Float64Array.from(s.x.subarray(0, n * width));
  const dense = (W: ArrayLike<number>, b: ArrayLike<number>, units: number, use: (i: number) => boolean, relu: boolean) => {
    const out = new Float64Array(n * units);
    for (let i = 0; i < n; i++) for (let u = 0; u < units; u++) {
      let z = b[u];
      for (let r = 0; r < width; r++) if (use(r * units + u)) z += h[i * width + r] * W[r * units + u];
      out[i * units + u] = relu ? Math.max(0, z) : z;
    }
    h = out; width = units;
  };
  net.layers.forEach((layer, l) => dense(layer.W.dataSync(), layer.b.dataSync(), layer.units, (i) => keep(l, owner[l][i]), true));
  const head = net.heads[j];
  dense(head.W.dataSync(), head.b.dataSync(), head.b.shape[0], () => true, false);
  return h;
}
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a, (v, i) => Math.abs(v - b[i])).reduce((m, d) => Math.max(m, d), 0);

describe('PackNet', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`earlier tasks' logits are bit-identical after every later task (${backend}); owned weights never move; task j infers with the weights of tasks 0..j; no leak`, async () => {
      await initBackend(backend);
      const sc = scenario();
      const method = packnet.create(packnet.hyperparameters.parse({})) as PackNet;
      const logits: Float32Array[][] = [], movedOwned: number[] = [];
      const inference: { j: number; net: Float32Array; masked: Float64Array; unmasked: Float64Array }[] = [];
      let prevW: Float32Array[] = [];
      const before = tf.memory().numTensors;
      const res = await trainContinual({
        scenario: sc, network, training, method, rng: new Rng(5),
        onTaskEnd: (t, net) => {
          logits.push(sc.tasks.slice(0, t + 1).map((_, j) => logitsOf(net, sc, j)));
          const W = net.layers.map((l) => Float32Array.from(l.W.dataSync()));
          let moved = 0;
          if (t > 0) W.forEach((w, l) => w.forEach((v, i) => { const o = method.owner[l][i]; if (o !== FREE && o < t && v !== prevW[l][i]) moved++; }));
          movedOwned.push(moved);
          prevW = W;
          if (t === sc.tasks.length - 1) {
            for (let j = 0; j <= t; j++) {
              inference.push({
                j, net: logitsOf(net, sc, j),
                masked: logitsByHand(net, sc, j, (_, o) => o !== FREE && o <= j, method.owner),
                unmasked: logitsByHand(net, sc, j, () => true, method.owner),
              });
            }
          }
        },
      });
      expect(tf.memory().numTensors).toBe(before);
      for (let i = 1; i < logits.length; i++) {
        for (let j = 0; j < i; j++) {
          const a = logits[j][j], b = logits[i][j];
          expect(a.length).toBeGreaterThan(0);
          expect(a.every((v, k) => v === b[k])).toBe(true);
        }
      }
      expect(movedOwned).toEqual([0, 0, 0, 0]);
      // inference for task j uses W ⊙ [owner ∈ 0..j] in every hidden layer (step 4), computed by hand from the final
      // weights; for j < 3 the later tasks' weights are not zero, so leaving them in would show (a real mask at work)
      expect(inference.map((r) => r.j)).toEqual([0, 1, 2, 3]);
      for (const { j, net, masked, unmasked } of inference) {
        expect(maxAbsDiff(net, masked), `task ${j}`).toBeLessThan(1e-4);
        if (j < 3) expect(maxAbsDiff(masked, unmasked), `task ${j}`).toBeGreaterThan(0.01);
      }
      // each task learnt with what was left to it (freed weights restart from 0, so later tasks learn slower)
      const R = res.accuracyMatrix;
      for (let t = 0; t < 4; t++) expect(R[t][t]).toBeGreaterThan(0.7);
      // task t owns prune-complement of what was free: 1/2, 1/4, 1/8, ... of each layer
      const d = res.diagnostics as { layers: { task: number; layer: number; owned: number; free: number }[]; consolidationSeconds: number[] };
      for (const r of d.layers) expect(r.owned).toBeCloseTo(0.5 ** (r.task + 1), 2);
      expect(d.consolidationSeconds).toHaveLength(4);
    });
  }

  for (const incremental of ['domain', 'class'] as const) {
    it(`refuses a ${incremental}-incremental scenario (no task identity) when the run starts, leaking nothing`, async () => {
      await initBackend('cpu');
      const before = tf.memory().numTensors;
      const sc = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental, tasks: 2, classesPerTask: 2 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 20 });
      const method = packnet.create(packnet.hyperparameters.parse({}));
      await expect(trainContinual({ scenario: sc, network, training, method, rng: new Rng(5) })).rejects.toThrow('packnet: needs a task-incremental scenario');
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('records test accuracy before pruning and after retraining; the latter is R[t][t]', async () => {
    await initBackend('cpu');
    const sc = scenario(3);
    const res = await trainContinual({ scenario: sc, network, training, method: packnet.create(packnet.hyperparameters.parse({ prune: 0.75 })), rng: new Rng(5) });
    const rec = (res.diagnostics.pruning as { tasks: PruningRecord[] }).tasks;
    expect(rec.map((r) => r.task)).toEqual([0, 1, 2]);
    for (const r of rec) {
      expect(r.testAccAfterConsolidation).toBe(res.accuracyMatrix[r.task][r.task]);
      expect(r.testAccBeforePruning).toBeGreaterThan(0.7); // trained, 2-way task
    }
  });
});

describe('smallestMagnitudes', () => {
  it('picks exactly k indices of the candidate set by |w|, ties by index', () => {
    const w = Float32Array.from([0.5, -0.1, 0.1, 3, -0.1, 0.2]);
    expect([...smallestMagnitudes(w, [0, 1, 2, 3, 4, 5], 2)].sort()).toEqual([1, 2]);
    expect([...smallestMagnitudes(w, [0, 2, 3, 4, 5], 3)].sort()).toEqual([2, 4, 5]);
    expect([...smallestMagnitudes(w, [0, 3], 1)]).toEqual([0]);
    expect(smallestMagnitudes(w, [0, 3], 0).size).toBe(0);
  });
});
