/**
 * Learning without Forgetting — Li & Hoiem 2017, "Learning without Forgetting", TPAMI,
 * arXiv 1606.09282. Before task t the network is copied (θ_o, frozen); while training t, the
 * copy's responses y_o on the *new* task's images are the targets of a distillation term
 * (Eq. 2, Knowledge Distillation with temperature T):
 *   L = CE(y_n, ŷ_n) + λ_o · Σ_{old} L_old(y_o, ŷ_o),
 *   L_old = −(1/N) Σ_n Σ_i y'_o(i) log ŷ'_o(i),   y' = softmax(z/T)  (= y^{1/T} / Σ y^{1/T})
 * where "old" is, task-incrementally, each earlier task's head (multi-head, as in the paper);
 * with one shared head (class- and domain-incremental), the logits of the labels earlier tasks
 * trained (class-IL: the old classes; domain-IL: every output). No T² factor (the paper has none).
 * The paper's warm-up step (training the new head alone first) is not done: every step trains
 * all of θ_s and θ_n, as in its joint-optimisation step.
 */
import { defineMethod, headOf, tf, type ContinualMethod, type MethodContext, type Network, type TapeBatch, type TaskData, stateReader, type StateValue } from '@clbench/core';
import { z } from 'zod';

const hyperparameters = z.strictObject({
  lambda: z.number().nonnegative().default(1)
    .describe('λ_o, the weight of the distillation loss; 1 = Li & Hoiem 2017 (§3: λ_o = 1 in most experiments)'),
  temperature: z.number().positive().default(2)
    .describe('T of the distillation; 2 = Li & Hoiem 2017 (§3, following Hinton et al.)'),
});
export type LwfHyperparameters = z.infer<typeof hyperparameters>;

export const lwf = defineMethod({
  name: 'lwf',
  paper: 'Li & Hoiem 2017, "Learning without Forgetting", TPAMI, arXiv 1606.09282',
  summary: 'distillation of the previous model outputs on the new task data',
  supports: ['task', 'domain', 'class'],
  hyperparameters,
  create: (hp) => new Lwf(hp),
});

/** L_old of Eq. 2: −(1/N) Σ_n Σ_i softmax(z_o/T)_i · log softmax(z/T)_i, z_o the old model's logits (constants). */
export function distillation(logits: tf.Tensor2D, oldLogits: tf.Tensor2D, T: number): tf.Scalar {
  const target = tf.softmax(oldLogits.div(T));                          // y'_o
  return target.mul(tf.logSoftmax(logits.div(T))).sum(1).mean().neg() as tf.Scalar;
}

export class Lwf implements ContinualMethod {
  /** θ_o: the network as it was at the end of the previous task; null during the first task. */
  old: Network | null = null;
  /** Shared head: the output indices earlier tasks trained (their labels). */
  private oldLabels: number[] = [];
  private readonly stats = { distilledHeads: [] as number[], distilledLabels: [] as number[] };

  constructor(readonly hp: LwfHyperparameters) {}

  beforeTask(_task: TaskData, ctx: MethodContext): void {
    this.old?.dispose();
    this.old = ctx.finished.length ? ctx.net.frozenCopy() : null;         // θ_o ← θ (§3, "record responses y_o")
    const labels = new Set<number>();
    for (const t of ctx.finished) for (const y of t.train.y) labels.add(y);
    this.oldLabels = [...labels].sort((a, b) => a - b);
    this.stats.distilledHeads.push(ctx.scenario.incremental === 'task' ? ctx.finished.length : 0);
    this.stats.distilledLabels.push(ctx.scenario.incremental === 'task' ? 0 : this.oldLabels.length);
  }

  batchLoss(batch: TapeBatch, ctx: MethodContext): tf.Scalar | null {
    if (!this.old) return null;
    const T = this.hp.temperature;
    const old = this.old.forward(batch.x, batch.head, false);             // y_o: the frozen copy's responses to the new images
    let total: tf.Scalar = tf.scalar(0);
    if (ctx.scenario.incremental === 'task') {
      for (const t of ctx.finished) {                                     // one L_old per old task's head (Eq. 2, summed)
        const k = headOf(ctx.scenario, t.id);
        total = total.add(distillation(ctx.net.headLogits(batch.features, k), this.old.headLogits(old.features, k), T));
      }
    } else {
      const pick = this.selection(batch.logits.shape[1]);                 // the old classes' logits of the shared head
      total = distillation(tf.matMul(batch.logits, pick), tf.matMul(old.logits, pick), T);
    }
    return total.mul(this.hp.lambda);                                     // λ_o · Σ L_old
  }

  /** [K, |old|] 0/1 matrix whose columns pick the old labels' logits (a matMul: wasm has no gradient for tf.gather). */
  private selection(K: number): tf.Tensor2D {
    const m = new Float32Array(K * this.oldLabels.length);
    this.oldLabels.forEach((label, c) => { m[label * this.oldLabels.length + c] = 1; });
    return tf.tensor2d(m, [K, this.oldLabels.length]);
  }

  diagnostics() { return { loss: 'CE + lambda * sum_old KD(softmax(z_old/T), softmax(z/T)), no T^2', ...this.stats }; }

  /** θ_o and the old labels are taken again by beforeTask from the network: only the records carry over. */
  saveState(): StateValue { return { stats: this.stats }; }

  loadState(state: StateValue): void {
    Object.assign(this.stats, stateReader.json<typeof this.stats>(stateReader.object(state, 'lwf').stats, 'lwf.stats'));
  }

  dispose(): void { this.old?.dispose(); this.old = null; }
}
