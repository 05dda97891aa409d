/**
 * L2: pull the shared parameters towards the previous task's solution — the "L2"
 * baseline of Kirkpatrick et al. 2017 (arXiv 1612.00796, Fig. 2A) as run by Hsu et al.
 * 2018 (arXiv 1810.12488):
 *   L(θ) = L_t(θ) + λ/2 · Σ_i (θ_i − θ*_i)²        (the ½ is in; θ* = θ at the end of task t−1)
 * Hsu et al.'s penalty has no ½ (reg_coef · Σ(θ − θ*)², reg_coef 0.01 on task-IL split
 * MNIST), so their setting is λ = 0.02 here. Only shared parameters are penalised
 * (multi-head: the hidden layers; other tasks' heads are never trained again).
 */
import {
  defineMethod, disposeParamTensors, quadraticPenalty, snapshot,
  type ContinualMethod, type MethodContext, type ParamTensors, type TaskData, stateReader, type StateValue,
} from '@clbench/core';
import { z } from 'zod';

const hyperparameters = z.strictObject({
  lambda: z.number().nonnegative().default(0.02)
    .describe('λ in λ/2·Σ(θ−θ*)²; 0.02 = Hsu et al. 2018 task-IL split MNIST (reg_coef 0.01, their penalty has no ½)'),
});
export type L2Hyperparameters = z.infer<typeof hyperparameters>;

export const l2 = defineMethod({
  name: 'l2',
  paper: 'L2 towards the previous solution (baseline in Kirkpatrick et al. 2017, "Overcoming catastrophic forgetting in neural networks", arXiv 1612.00796; settings of Hsu et al. 2018, arXiv 1810.12488)',
  summary: 'λ/2·Σ(θ−θ*)² towards the parameters at the end of the previous task',
  supports: ['task', 'domain', 'class'],
  hyperparameters,
  create: (hp) => new L2(hp),
});

export class L2 implements ContinualMethod {
  /** θ* at the end of the latest finished task; null before the first. */
  anchor: ParamTensors | null = null;
  private readonly seconds: number[] = [];

  constructor(readonly hp: L2Hyperparameters) {}

  penalty(ctx: MethodContext) {
    if (!this.anchor) return null;
    return quadraticPenalty(this.hp.lambda / 2, ctx.net.sharedParams(), this.anchor); // λ/2 · Σ(θ − θ*)²
  }

  afterTask(_task: TaskData, ctx: MethodContext): void {
    const t0 = performance.now();
    disposeParamTensors(this.anchor);
    this.anchor = snapshot(ctx.net.sharedParams());
    this.seconds.push((performance.now() - t0) / 1000);
  }

  diagnostics() { return { penalty: 'lambda/2 * sum (theta - theta*)^2', consolidationSeconds: this.seconds }; }

  saveState(): StateValue { return { anchor: this.anchor, seconds: this.seconds }; }

  loadState(state: StateValue): void {
    const s = stateReader.object(state, 'l2');
    disposeParamTensors(this.anchor);
    this.anchor = stateReader.tensors(s.anchor, 'l2.anchor');
    this.seconds.splice(0, this.seconds.length, ...stateReader.numbers(s.seconds, 'l2.seconds'));
  }

  dispose(): void { disposeParamTensors(this.anchor); this.anchor = null; }
}
