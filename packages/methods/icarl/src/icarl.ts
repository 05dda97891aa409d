/**
 * iCaRL — Rebuffi, Kolesnikov, Sperl & Lampert 2017, "iCaRL: Incremental Classifier and
 * Representation Learning", CVPR, arXiv 1611.07725. Class-incremental only. For each task
 * (classes s..t), Alg. 2 (IncrementalTrain):
 *   UpdateRepresentation (Alg. 3): train on the task's data ∪ every exemplar P_1..P_{s−1} (one
 *     training set, shuffled together: `trainOn`), with sigmoid binary cross-entropy (loss.ts): new
 *     classes' targets from the labels, old classes' from the previous network's sigmoids;
 *   m ← K / t (t = classes seen so far, rounded down): the memory K split evenly over classes;
 *   ReduceExemplarSet (Alg. 5) to m per old class: truncation (exemplars.ts);
 *   ConstructExemplarSet (Alg. 4) of m per new class: herding on the last hidden layer's
 *     L2-normalised activations (herding.ts).
 * Classification (Alg. 1): nearest mean of exemplars (nme.ts), the means taken with the network
 * after the task, at every evaluation (`predict`; the head's logits are used only in training).
 * Not done: the paper's data augmentation (none anywhere in clbench) and its ResNet.
 */
import {
  defineMethod, forEachBatch, rowsOf, seenClasses, classSelection, stateReader as read, tf,
  type ContinualMethod, type MethodContext, type Network, type Split, type StateValue, type StepContext, type TapeBatch, type TaskData, type TaskPlan,
} from '@clbench/core';
import { z } from 'zod';
import { ExemplarSets } from './exemplars.js';
import { herdingSelection, l2NormaliseRows } from './herding.js';
import { icarlLoss, icarlTargets } from './loss.js';
import { exemplarMean, nearestMeanLabels } from './nme.js';

const hyperparameters = z.strictObject({
  memorySize: z.number().int().positive().default(500)
    .describe('K, the exemplars kept in total, split evenly over the classes seen so far (m = ⌊K / classes⌋ each, Alg. 2); 500 = 50 per class on split MNIST, the budget ER gets (the paper: K = 2000 on CIFAR-100)'),
});
export type IcarlHyperparameters = z.infer<typeof hyperparameters>;

export const icarl = defineMethod({
  name: 'icarl',
  paper: 'Rebuffi, Kolesnikov, Sperl & Lampert 2017, "iCaRL: Incremental Classifier and Representation Learning", CVPR, arXiv 1611.07725',
  summary: 'herding exemplars, sigmoid distillation, nearest-mean-of-exemplars classification',
  supports: ['class'],
  hyperparameters,
  create: (hp) => new Icarl(hp),
});

/** Evaluation batches of the feature passes (herding, means). */
const FEATURE_BATCH = 1000;

/** φ(x) of every row of a split: the last hidden layer's activations [n, F], L2-normalised (§2.1). */
export function normalisedFeatures(net: Network, split: Split): { features: Float32Array; F: number } {
  const parts: Float32Array[] = [];
  forEachBatch(split, FEATURE_BATCH, (x) => {
    const f = tf.tidy(() => net.forward(x, 0, false).features);
    parts.push(f.dataSync() as Float32Array);
    f.dispose();
  });
  const F = split.n ? parts[0].length / Math.min(FEATURE_BATCH, split.n) : 0;
  const features = new Float32Array(split.n * F);
  let at = 0;
  for (const p of parts) { features.set(p, at); at += p.length; }
  return { features: l2NormaliseRows(features, split.n, F), F };
}

export class Icarl implements ContinualMethod {
  exemplars: ExemplarSets | null = null;
  /** Alg. 1's class means [C · F] (normalised) and their labels, taken after the latest task; null before. */
  means: { mu: Float32Array; classes: Int32Array; F: number } | null = null;
  /** The previous network (Alg. 3's q); null during the first task. */
  private old: Network | null = null;
  /** The current task's seen-class columns P [C, S] and old-class flags [S] (Alg. 3's two sums). */
  private columns: { P: tf.Tensor2D; isOld: tf.Tensor1D } | null = null;
  private readonly stats = { exemplarsPerClass: [] as number[], herdingSeconds: [] as number[], meansSeconds: [] as number[], nmeSeconds: [] as number[] };

  constructor(readonly hp: IcarlHyperparameters) {}

  setup(ctx: MethodContext): void {
    if (ctx.scenario.incremental !== 'class') throw new Error(`icarl: class-incremental only (nearest-mean-of-exemplars over one shared head); this scenario is ${ctx.scenario.incremental}-incremental`);
  }

  beforeTask(task: TaskData, ctx: MethodContext): TaskPlan {
    this.old?.dispose();
    this.old = ctx.finished.length ? ctx.net.frozenCopy() : null;          // the network before the task (Alg. 3: q from it)
    const old = new Set(seenClasses(ctx.finished)), seen = seenClasses([...ctx.finished, task]);
    tf.dispose(this.columns ? [this.columns.P, this.columns.isOld] : []);
    this.columns = tf.tidy(() => ({
      P: tf.keep(classSelection(seen, ctx.scenario.headOutputs[0])),
      isOld: tf.keep(tf.tensor1d(seen.map((y) => (old.has(y) ? 1 : 0)))),
    }));
    if (!this.exemplars?.size) return {};
    const memory: TaskData = { id: -1, name: 'iCaRL exemplars', classes: this.exemplars.classes, train: this.exemplars.asSplit(), validation: EMPTY, test: EMPTY };
    return { trainOn: [task, memory] };                                     // Alg. 3: the task's data ∪ P_1..P_{s−1}
  }

  taskLoss(batch: TapeBatch): tf.Scalar {
    const { P, isOld } = this.columns!;
    const pick = (logits: tf.Tensor) => tf.matMul(logits as tf.Tensor2D, P) as tf.Tensor2D;   // the seen classes' columns [N, S]
    const z = pick(batch.logits);                                           // g_1..g_t's logits
    const labels = pick(tf.oneHot(batch.y, P.shape[0]).toFloat());         // δ_{y=y_i}
    const oldLogits = this.old ? pick(this.old.forward(batch.x, 0, false).logits) : null;
    return icarlLoss(z, icarlTargets(labels, oldLogits, isOld));            // ℓ(Θ), Alg. 3
  }

  afterTask(task: TaskData, ctx: MethodContext): void {
    this.old?.dispose(); this.old = null;
    const seen = seenClasses(ctx.finished.concat(task));
    const m = Math.floor(this.hp.memorySize / seen.length);                // m ← K / t, Alg. 2
    if (m < 1) throw new Error(`icarl: memorySize ${this.hp.memorySize} is smaller than the ${seen.length} classes seen: no exemplar per class`);
    const t0 = performance.now();
    const { features, F } = normalisedFeatures(ctx.net, task.train);
    const D = ctx.scenario.inputShape.reduce((a, b) => a * b, 1);
    this.exemplars ??= new ExemplarSets(D);
    this.exemplars.reduce(m);                                               // ReduceExemplarSet, Alg. 5
    for (const y of task.classes) {
      const rows: number[] = [];
      task.train.y.forEach((label, i) => { if (label === y) rows.push(i); });  // X_y: the class's training rows
      const own = new Float32Array(rows.length * F);
      rows.forEach((r, k) => own.set(features.subarray(r * F, (r + 1) * F), k * F));
      const picked = herdingSelection(own, rows.length, F, m);              // ConstructExemplarSet, Alg. 4
      this.exemplars.set(y, rowsOf(task.train, Array.from(picked, (k) => rows[k])));
    }
    const t1 = performance.now();
    this.means = this.classMeans(ctx.net);
    this.stats.herdingSeconds.push((t1 - t0) / 1000);
    this.stats.meansSeconds.push((performance.now() - t1) / 1000);
    this.stats.exemplarsPerClass.push(m);
    this.stats.nmeSeconds.push(0);
  }

  /** Alg. 1: μ_y of every class's exemplars through the current network. */
  private classMeans(net: Network): { mu: Float32Array; classes: Int32Array; F: number } {
    const ex = this.exemplars!, classes = Int32Array.from(ex.classes);
    let F = 0;
    const means = Array.from(classes, (y) => {
      const rows = ex.rows(y), n = rows.length / ex.dim;
      const f = normalisedFeatures(net, { x: rows, y: new Int32Array(n), n });
      F = f.F;
      return exemplarMean(f.features, n, F);
    });
    const mu = new Float32Array(classes.length * F);
    means.forEach((m, c) => mu.set(m, c * F));
    return { mu, classes, F };
  }

  predict(x: tf.Tensor2D, _task: TaskData, ctx: MethodContext): tf.Tensor1D | null {
    if (!this.means) return null;                                           // before the first task: the network's argmax
    const t0 = performance.now();
    const { mu, classes, F } = this.means;
    const labels = nearestMeanLabels(ctx.net.forward(x, 0, false).features, tf.tensor2d(mu, [classes.length, F]), tf.tensor1d(classes, 'int32'));
    this.stats.nmeSeconds[this.stats.nmeSeconds.length - 1] += (performance.now() - t0) / 1000;
    return labels;
  }

  diagnostics() {
    const ex = this.exemplars;
    return {
      memory: { capacity: this.hp.memorySize, stored: ex?.size ?? 0, bytes: ex?.bytes ?? 0, perClass: Object.fromEntries((ex?.classes ?? []).map((y) => [y, ex!.count(y)])) },
      loss: 'sigmoid BCE over seen classes: new classes target their labels, old classes the previous network (Alg. 3); NME classification (Alg. 1)',
      ...this.stats,
    };
  }

  /** The previous network and the columns are taken again by beforeTask: exemplars, means and records carry over. */
  saveState(): StateValue {
    return { exemplars: this.exemplars?.save() ?? null, means: this.means ? { mu: this.means.mu, classes: this.means.classes, F: this.means.F } : null, stats: this.stats };
  }

  loadState(state: StateValue): void {
    const s = read.object(state, 'icarl');
    this.exemplars = s.exemplars ? ExemplarSets.load(s.exemplars) : null;
    if (s.means) {
      const m = read.object(s.means, 'icarl.means');
      if (!(m.mu instanceof Float32Array) || !(m.classes instanceof Int32Array)) throw new Error('state icarl.means: mu and classes must be typed arrays');
      this.means = { mu: m.mu, classes: m.classes, F: read.number(m.F, 'icarl.means.F') };
    } else this.means = null;
    Object.assign(this.stats, read.json<typeof this.stats>(s.stats, 'icarl.stats'));
  }

  dispose(): void {
    this.old?.dispose(); this.old = null;
    tf.dispose(this.columns ? [this.columns.P, this.columns.isOld] : []);
    this.columns = null;
  }
}

const EMPTY: Split = { x: new Float32Array(0), y: new Int32Array(0), n: 0 };
