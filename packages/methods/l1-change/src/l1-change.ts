/**
 * L1 weight change: pull the shared parameters towards the previous task's solution with
 * an L1 instead of an L2 norm — the worked example of docs/adding-a-method.md (no paper of
 * its own; the L1 analogue of the L2 baseline of Kirkpatrick et al. 2017, arXiv 1612.00796):
 *   L(θ) = L_t(θ) + λ · Σ_i |θ_i − θ*_i|        (no ½; θ* = θ at the end of task t−1)
 * Its gradient λ·sign(θ − θ*) keeps its size however close θ is to θ*: small changes are
 * resisted as strongly as large ones, where L2's pull λ(θ − θ*) fades near the anchor.
 * Shared parameters only (multi-head: the hidden layers; other tasks' heads are never trained again).
 */
import {
  defineMethod, disposeParamTensors, snapshot, tf,
  type ContinualMethod, type MethodContext, type ParamTensors, type TaskData, stateReader, type StateValue,
} from '@clbench/core';
import { z } from 'zod';

const hyperparameters = z.strictObject({
  lambda: z.number().nonnegative().default(0.01)
    .describe('strength λ in λ·Σ|θ−θ*| (no ½); 0.01 = best ACC of 1e-4…1e-1 on domain-IL split MNIST in docs/adding-a-method.md'),
});
export type L1ChangeHyperparameters = z.infer<typeof hyperparameters>;

export const l1Change = defineMethod({
  name: 'l1-change',
  paper: 'Example method of docs/adding-a-method.md: the L1 analogue of the L2 baseline in Kirkpatrick et al. 2017, "Overcoming catastrophic forgetting in neural networks", arXiv 1612.00796',
  summary: 'λ·Σ|θ−θ*| towards the parameters at the end of the previous task',
  supports: ['task', 'domain', 'class'],
  hyperparameters,
  create: (hp) => new L1Change(hp),
});

export class L1Change implements ContinualMethod {
  /** θ* at the end of the latest finished task, by parameter name; null before the first. */
  anchor: ParamTensors | null = null;

  constructor(readonly hp: L1ChangeHyperparameters) {}

  // Optional hooks, in the trainer's order (add the ones you need; see ContinualMethod in @clbench/core):
  // setup · beforeTask (→ plan: trainOn, params) · unitGates · batchLoss · penalty · transformGradients · afterStep · afterTask · evaluationNetwork · diagnostics · dispose
  // (per-step hooks get one StepContext: phase, position, samples; taskGrads in transformGradients and afterStep)

  penalty(ctx: MethodContext): tf.Scalar | null {
    if (!this.anchor) return null;                                    // first task: nothing to protect
    const anchor = this.anchor;
    return tf.tidy(() => {
      let total: tf.Scalar = tf.scalar(0);
      for (const { name, variable } of ctx.net.sharedParams()) {
        const d = variable.sub(anchor[name]);                         // θ − θ*, shaped like θ
        // |d| as d·sign(d): gradient sign(d), 0 at d = 0. tf.abs's gradient is −1 at 0 (step(d, −1)),
        // which would push every weight down by λ on the first step after each anchoring.
        total = total.add(d.mul(d.sign()).sum());                     // Σ |θ − θ*|
      }
      return total.mul(this.hp.lambda);                               // λ · Σ |θ − θ*|
    });
  }

  afterTask(_task: TaskData, ctx: MethodContext): void {
    disposeParamTensors(this.anchor);
    this.anchor = snapshot(ctx.net.sharedParams());                   // θ* ← θ
  }

  diagnostics() { return { penalty: 'lambda * sum |theta - theta*|' }; }

  saveState(): StateValue { return { anchor: this.anchor }; }

  loadState(state: StateValue): void {
    disposeParamTensors(this.anchor);
    this.anchor = stateReader.tensors(stateReader.object(state, 'l1-change').anchor, 'l1-change.anchor');
  }

  dispose(): void { disposeParamTensors(this.anchor); this.anchor = null; }
}
