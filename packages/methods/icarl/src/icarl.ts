/**
 * icarl — write here the paper (title, authors, year, arXiv id) and the equations the
 * hooks implement, with their numbers. The scaffold is a pull towards the previous task's solution:
 *   L(θ) = L_t(θ) + λ/2 · Σ_i (θ_i − θ*_i)²      (θ* = θ at the end of the previous task)
 * on the shared parameters only (multi-head: the hidden layers; other tasks' heads are never
 * trained again). Write your formula in `penalty` and check it by hand in icarl.test.ts.
 * Hooks, their order, what a method may touch: docs/adding-a-method.md.
 */
import {
  defineMethod, disposeParamTensors, snapshot, stateReader, tf,
  type ContinualMethod, type MethodContext, type ParamTensors, type StateValue, type TaskData,
} from '@clbench/core';
import { z } from 'zod';

const hyperparameters = z.strictObject({
  lambda: z.number().nonnegative().default(1)
    .describe('strength λ in λ/2·Σ(θ−θ*)² (say where the default comes from: paper, table, sweep)'),
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

export class Icarl implements ContinualMethod {
  /** θ* at the end of the latest finished task, by parameter name; null before the first. */
  anchor: ParamTensors | null = null;

  constructor(readonly hp: IcarlHyperparameters) {}

  // Optional hooks, in the trainer's order (add the ones you need; see ContinualMethod in @clbench/core):
  // setup · beforeTask (→ plan: trainOn, params) · unitGates · batchLoss · penalty · transformGradients · afterStep · afterTask · evaluationNetwork · diagnostics · saveState · loadState · dispose
  // (per-step hooks get one StepContext: phase, position, samples; taskGrads in transformGradients and afterStep)

  penalty(ctx: MethodContext): tf.Scalar | null {
    if (!this.anchor) return null;                                    // first task: nothing to protect
    const anchor = this.anchor;
    return tf.tidy(() => {
      let total: tf.Scalar = tf.scalar(0);
      for (const { name, variable } of ctx.net.sharedParams()) {
        total = total.add(variable.sub(anchor[name]).square().sum()); // Σ (θ − θ*)², θ of any shape
      }
      return total.mul(this.hp.lambda / 2);                           // λ/2 · Σ (θ − θ*)²
    });
  }

  afterTask(_task: TaskData, ctx: MethodContext): void {
    disposeParamTensors(this.anchor);
    this.anchor = snapshot(ctx.net.sharedParams());                   // θ* ← θ
  }

  diagnostics() { return { penalty: 'lambda/2 * sum (theta - theta*)^2' }; }

  // Per-task checkpoints: everything later tasks depend on (a killed run resumes bit for bit;
  // packages/methods/registry/src/checkpoint.test.ts checks it for every registered method).
  saveState(): StateValue { return { anchor: this.anchor }; }

  loadState(state: StateValue): void {
    disposeParamTensors(this.anchor);
    this.anchor = stateReader.tensors(stateReader.object(state, 'icarl').anchor, 'icarl.anchor');
  }

  dispose(): void { disposeParamTensors(this.anchor); this.anchor = null; }
}
