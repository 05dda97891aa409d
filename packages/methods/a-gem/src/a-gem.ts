/**
 * Averaged GEM — Chaudhry et al. 2019, "Efficient Lifelong Learning with A-GEM", ICLR,
 * arXiv 1812.00420. After each task its training samples are offered to an episodic memory
 * (reservoir sampling over all finished tasks, bounded in total: core/replay-memory.ts; the
 * paper keeps a fixed number per task — the same in expectation for equal-sized tasks). At each
 * step a reference gradient g_ref is computed on a batch drawn from the memory (Eq. 10) and the
 * step's gradient g is projected when it would increase the average loss on the memory (Eq. 11):
 *   g̃ = g − (g·g_ref / g_ref·g_ref) · g_ref   if g·g_ref < 0,   g̃ = g otherwise,
 * with the dot products over all the parameters the step updates (hidden layers + current head;
 * a memory sample uses the head it was trained with, so g_ref is 0 on the current head).
 */
import {
  defineMethod, ReplayMemory, replayLoss, tf, type ContinualMethod, type MethodContext, type TaskData, stateReader, type StateValue,
} from '@clbench/core';
import { z } from 'zod';

const hyperparameters = z.strictObject({
  memorySize: z.number().int().positive().default(500)
    .describe('samples the memory holds in total over the finished tasks; 500 = the same budget as er (a-priori: equal memories keep replay methods comparable; the paper keeps a fixed number per task)'),
  referenceBatchSize: z.number().int().positive().default(256)
    .describe('memory samples drawn for g_ref at each step; 256 = the reference batch size of Chaudhry et al. 2019 (A-GEM), as we read it'),
});
export type AGemHyperparameters = z.infer<typeof hyperparameters>;

export const aGem = defineMethod({
  name: 'a-gem',
  paper: 'Chaudhry et al. 2019, "Efficient Lifelong Learning with A-GEM", ICLR, arXiv 1812.00420',
  summary: 'gradient projected so the loss on a memory batch does not increase',
  supports: ['task', 'domain', 'class'],
  hyperparameters,
  create: (hp) => new AGem(hp),
  extraSamplesPerStep: (hp) => hp.referenceBatchSize,              // the memory batch of g_ref, Eq. 10
});

/** Eq. 11 on gradients by name: g − (min(g·g_ref, 0) / g_ref·g_ref) · g_ref; a name absent from `ref` has g_ref = 0.
 *  Returns the new gradients and g·g_ref (a tensor: a per-step hook must not read one, see core's method.ts). */
export function projectGradients(g: Record<string, tf.Tensor>, ref: Record<string, tf.Tensor>): { grads: Record<string, tf.Tensor>; dot: tf.Scalar } {
  const names = Object.keys(g).filter((k) => ref[k]);
  const sumOver = (f: (k: string) => tf.Tensor) => names.reduce<tf.Tensor>((acc, k) => acc.add(f(k).sum()), tf.scalar(0));
  const dot = sumOver((k) => g[k].mul(ref[k]));                   // g · g_ref
  const refNorm2 = sumOver((k) => ref[k].square());                // g_ref · g_ref
  const coef = dot.minimum(0).div(refNorm2.add(1e-20));            // 0 when g·g_ref ≥ 0: no projection
  const grads = Object.fromEntries(Object.entries(g).map(([k, gk]) => [k, ref[k] ? gk.sub(ref[k].mul(coef)) : gk]));
  return { grads, dot: dot as tf.Scalar };
}

export class AGem implements ContinualMethod {
  readonly memory: ReplayMemory;
  private steps = 0;
  /** Steps whose gradient was projected, counted on the backend (a per-step hook reads no tensor); from setup to dispose. */
  private projected: tf.Scalar | null = null;

  constructor(readonly hp: AGemHyperparameters) { this.memory = new ReplayMemory(hp.memorySize); }

  setup(): void { this.projected = tf.keep(tf.scalar(0)); }

  dispose(): void { this.projected?.dispose(); this.projected = null; }

  saveState(): StateValue { return { memory: this.memory.save(), steps: this.steps, projected: this.projected }; }

  loadState(state: StateValue): void {
    const s = stateReader.object(state, 'a-gem');
    this.memory.load(s.memory ?? null);
    this.steps = stateReader.number(s.steps, 'a-gem.steps');
    this.projected?.dispose();
    this.projected = stateReader.tensor(s.projected, 'a-gem.projected') as tf.Scalar;
  }

  transformGradients(grads: Record<string, tf.Tensor>, ctx: MethodContext): Record<string, tf.Tensor> {
    if (this.memory.size === 0) return grads;                      // first task: no constraint
    const params = ctx.net.taskParams(ctx.head);
    const ref = this.memory.sample(this.hp.referenceBatchSize, ctx.rng);
    const { grads: g } = tf.variableGrads(() => replayLoss(ctx.net, ref, true), params.map((p) => p.variable)); // g_ref, Eq. 10
    const byName = Object.fromEntries(params.filter((p) => g[p.variable.name]).map((p) => [p.name, g[p.variable.name]]));
    const out = projectGradients(grads, byName);                   // Eq. 11
    this.steps++;
    const projected = this.projected!;
    this.projected = tf.keep(projected.add(out.dot.less(0).cast('float32')));
    projected.dispose();
    return out.grads;
  }

  afterTask(task: TaskData, ctx: MethodContext): void {
    for (const i of ctx.rng.permutation(task.train.n)) this.memory.offer(task.train, i, ctx.head, ctx.rng); // M ← M ∪ task t's samples (reservoir)
  }

  diagnostics() {
    const m = this.memory;
    return {
      memory: { capacity: m.capacity, stored: m.size, offered: m.seen, bytes: m.bytes, perHead: m.perHead() },
      referenceBatchSize: this.hp.referenceBatchSize, projectedSteps: this.projected?.dataSync()[0] ?? 0, constrainedSteps: this.steps,
    };
  }
}
