/**
 * PackNet — Mallya & Lazebnik 2018, "PackNet: Adding Multiple Tasks to a Single Network
 * by Iterative Pruning", CVPR, arXiv 1711.05769. For each task t, in order:
 *  1. train the weights still free (owned by no earlier task); weights of tasks < t are frozen;
 *  2. prune: per layer, the fraction `prune` of those free weights with the smallest |w| is
 *     set to 0 and stays free; the rest become task t's;
 *  3. retrain briefly (`retrainEpochs`) only task t's weights (and its head), then freeze them;
 *  4. inference for task t uses W ⊙ [owner ∈ 0..t] (a per-head weight mask on the network),
 *     so later tasks' weights never reach it: earlier tasks' outputs stay bit-identical.
 * Biases are not pruned; they are trained with the first task and frozen afterwards (as in
 * PackNet, where later tasks reuse them fixed). Freed weights start the next task at 0.
 * Heads are per task (task-incremental only). No penalty: nothing to state about a ½.
 * prune = 0.5: the paper prunes 50 % (or 75 %) of the available weights after each task.
 */
import { defineMethod, records, stateReader, tf, type ContinualMethod, type MethodContext, type PruningRecord, type StateValue, type TaskData, type TaskTools } from '@clbench/core';
import { z } from 'zod';

const hyperparameters = z.strictObject({
  prune: z.number().gt(0).lt(1).default(0.5)
    .describe('fraction of the task\'s free weights pruned per layer after each task (Mallya & Lazebnik 2018: 0.5 or 0.75)'),
  retrainEpochs: z.number().int().min(0).default(1)
    .describe('epochs of retraining the kept weights after pruning (the paper retrains briefly after each pruning)'),
});
export type PackNetHyperparameters = z.infer<typeof hyperparameters>;

export const packnet = defineMethod({
  name: 'packnet',
  paper: 'Mallya & Lazebnik 2018, "PackNet: Adding Multiple Tasks to a Single Network by Iterative Pruning", CVPR, arXiv 1711.05769',
  summary: 'magnitude pruning + retraining per task; each task owns and freezes its weights, masks per task at inference',
  supports: ['task'],
  hyperparameters,
  create: (hp) => new PackNet(hp),
  consolidationEpochs: (hp) => hp.retrainEpochs,
});

export const FREE = -1;

export class PackNet implements ContinualMethod {
  /** owner[l][i]: task owning weight i of hidden layer l's W (row-major), or FREE. */
  owner: Int16Array[] = [];
  private shapes: number[][] = [];
  private readonly pruning: PruningRecord[] = [];
  private readonly stats = { consolidationSeconds: [] as number[], pruneSeconds: [] as number[], layers: [] as { task: number; layer: number; owned: number; free: number }[] };

  constructor(readonly hp: PackNetHyperparameters) {}

  setup(ctx: MethodContext): void {
    if (ctx.scenario.incremental !== 'task') throw new Error('packnet: needs a task-incremental scenario (one head and one weight mask per task)');
    this.owner = ctx.net.layers.map((l) => new Int16Array(l.W.size).fill(FREE));
    this.shapes = ctx.net.layers.map((l) => l.W.shape);
  }

  beforeTask(task: TaskData, ctx: MethodContext): void {
    ctx.net.layers.forEach((layer, l) => {
      ctx.net.setTrainable(`${layer.name}.W`, this.mask(l, (o) => o === FREE));            // step 1: free weights only
      if (task.id > 0) ctx.net.setTrainable(`${layer.name}.b`, tf.zerosLike(layer.b));   // biases fixed after task 0
    });
  }

  async afterTask(task: TaskData, ctx: MethodContext, tools: TaskTools): Promise<void> {
    const testAccBeforePruning = tools.accuracy(task.test, ctx.head); // for the report's pruning loss only
    const t0 = performance.now();
    ctx.net.layers.forEach((layer, l) => {
      const own = this.owner[l], w = Float32Array.from(layer.W.dataSync());
      const free: number[] = [];
      own.forEach((o, i) => { if (o === FREE) free.push(i); });
      const pruned = smallestMagnitudes(w, free, Math.round(this.hp.prune * free.length)); // step 2
      for (const i of free) { if (pruned.has(i)) w[i] = 0; else own[i] = task.id; }
      tf.tidy(() => layer.W.assign(tf.tensor(w, layer.W.shape)));
      ctx.net.setHeadWeightMask(l, ctx.head, this.mask(l, (o) => o !== FREE));           // step 4: tasks ≤ t
      ctx.net.setTrainable(`${layer.name}.W`, this.mask(l, (o) => o === task.id));       // step 3: retrain own weights
      const owned = own.filter((o) => o === task.id).length, left = free.length - owned;
      this.stats.layers.push({ task: task.id, layer: l, owned: owned / own.length, free: left / own.length });
    });
    this.stats.pruneSeconds.push((performance.now() - t0) / 1000);
    if (this.hp.retrainEpochs > 0) await tools.train(task, this.hp.retrainEpochs);
    ctx.net.layers.forEach((layer, l) => ctx.net.setTrainable(`${layer.name}.W`, this.mask(l, () => false))); // freeze
    this.stats.consolidationSeconds.push((performance.now() - t0) / 1000);
    this.pruning.push({ task: task.id, testAccBeforePruning, testAccAfterConsolidation: tools.accuracy(task.test, ctx.head) });
  }

  diagnostics() { return { prune: this.hp.prune, retrainEpochs: this.hp.retrainEpochs, ...this.stats, pruning: { tasks: this.pruning } }; }

  /** Owners (the network's masks travel with the network); shapes come from setup. */
  saveState(): StateValue {
    return { owner: this.owner.map((o) => Int32Array.from(o)), pruning: records(this.pruning), stats: this.stats };
  }

  loadState(state: StateValue): void {
    const s = stateReader.object(state, 'packnet');
    this.owner = stateReader.array(s.owner, 'packnet.owner').map((o, l) => {
      if (!(o instanceof Int32Array) || o.length !== this.owner[l]?.length) throw new Error(`state packnet.owner[${l}]: expected ${this.owner[l]?.length} owners`);
      return Int16Array.from(o);
    });
    this.pruning.splice(0, this.pruning.length, ...stateReader.json<PruningRecord[]>(s.pruning, 'packnet.pruning'));
    Object.assign(this.stats, stateReader.json<typeof this.stats>(s.stats, 'packnet.stats'));
  }

  /** A 0/1 tensor shaped like layer l's W from the owner of each weight. */
  private mask(l: number, keep: (owner: number) => boolean): tf.Tensor {
    const own = this.owner[l], m = new Float32Array(own.length);
    for (let i = 0; i < own.length; i++) m[i] = keep(own[i]) ? 1 : 0;
    return tf.tensor(m, this.shapes[l]);
  }
}

/** The k indices of `idx` with the smallest |w| (ties broken by index). */
export function smallestMagnitudes(w: Float32Array, idx: number[], k: number): Set<number> {
  if (k <= 0) return new Set();
  const mags = Float32Array.from(idx, (i) => Math.abs(w[i])).sort();
  const thr = mags[k - 1], out = new Set<number>();
  for (const i of idx) if (Math.abs(w[i]) < thr) out.add(i);
  for (const i of idx) { if (out.size >= k) break; if (Math.abs(w[i]) === thr) out.add(i); }
  return out;
}
