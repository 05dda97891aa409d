/**
 * Memory Aware Synapses — Aljundi et al. 2018, "Memory Aware Synapses: Learning what
 * (not) to forget", ECCV, arXiv 1711.09601.
 *   Ω_ij = 1/N · Σ_n |∂ ℓ2²(f(x_n)) / ∂θ_ij|       (Eq. 2; for vector outputs g = ∂ℓ2²(F(x))/∂θ, as the paper prescribes)
 * f = the task's output logits in evaluation mode (no dropout), per-sample semantics: the
 * absolute value is taken of each sample's gradient, then averaged (not |mean gradient|
 * of a batch). Ω accumulates over tasks (Ω ← Ω + Ω_t), one anchor at the latest solution:
 *   L(θ) = L_t(θ) + λ · Σ_ij Ω_ij (θ_ij − θ*_ij)²    (Eq. 3; no ½)
 * Shared parameters only (multi-head: hidden layers). λ = 1 as Aljundi et al. and Hsu et
 * al. 2018 (task-IL split MNIST); note Hsu et al. average ‖f‖² over outputs and take |·| of
 * mini-batch gradients, which makes their Ω smaller than this one.
 */
import {
  axpy, defineMethod, disposeParamTensors, meanOf, perSampleImportance, quadraticPenalty, snapshot,
  type ContinualMethod, type Importance, type MethodContext, type ParamTensors, type TaskData, type tf, stateReader, type StateValue,
} from '@clbench/core';
import { z } from 'zod';

const hyperparameters = z.strictObject({
  lambda: z.number().nonnegative().default(1)
    .describe('λ in λ·ΣΩ(θ−θ*)² (no ½); 1 = Aljundi et al. 2018 and Hsu et al. 2018 task-IL split MNIST'),
  samples: z.number().int().positive().optional()
    .describe('training samples of the task used for Ω (random subset, method seed); default all of them'),
});
export type MasHyperparameters = z.infer<typeof hyperparameters>;

export const mas = defineMethod({
  name: 'mas',
  paper: 'Aljundi et al. 2018, "Memory Aware Synapses: Learning what (not) to forget", ECCV, arXiv 1711.09601',
  summary: 'importance = mean per-sample |∂‖f(x)‖²/∂θ| of the output, accumulated over tasks',
  supports: ['task', 'domain', 'class'],
  hyperparameters,
  create: (hp) => new Mas(hp),
});

/** Ω_t of Eq. 2: per-sample |∂‖f(x)‖²₂/∂θ| averaged over the task's samples. */
export function masImportance(ctx: Pick<MethodContext, 'net' | 'head' | 'rng'>, task: TaskData, samples?: number, mode?: 'auto' | 'loop'): Importance {
  return perSampleImportance(ctx.net, task.train, {
    head: ctx.head, params: ctx.net.sharedParams(), reduce: 'abs', samples, rng: ctx.rng, mode,
    term: () => ({ columns: 1, objective: (logits) => logits.square().sum(1, true) as tf.Tensor2D }), // ‖f(x_n)‖²₂, [N, 1]
  });
}

export class Mas implements ContinualMethod {
  /** Accumulated Ω and the anchor θ*; null before the first consolidation. */
  importance: ParamTensors | null = null;
  anchor: ParamTensors | null = null;
  private readonly stats = { perSampleGradients: '' as string, consolidationSeconds: [] as number[], importanceSamples: [] as number[], importanceMean: [] as number[] };

  constructor(readonly hp: MasHyperparameters) {}

  penalty(ctx: MethodContext): tf.Scalar | null {
    if (!this.importance || !this.anchor) return null;
    return quadraticPenalty(this.hp.lambda, ctx.net.sharedParams(), this.anchor, this.importance); // Eq. 3: λ · ΣΩ(θ − θ*)²
  }

  afterTask(task: TaskData, ctx: MethodContext): void {
    const omega = masImportance(ctx, task, this.hp.samples);
    const next = this.importance ? axpy(1, this.importance, omega.values) : omega.values; // Ω ← Ω + Ω_t
    if (this.importance) disposeParamTensors(this.importance, omega.values);
    disposeParamTensors(this.anchor);
    this.importance = next;
    this.anchor = snapshot(ctx.net.sharedParams());
    this.stats.consolidationSeconds.push(omega.seconds);
    this.stats.importanceSamples.push(omega.samples);
    this.stats.perSampleGradients = omega.path;
    this.stats.importanceMean.push(meanOf(next));
  }

  diagnostics() { return { penalty: 'lambda * sum Omega (theta - theta*)^2', ...this.stats }; }

  saveState(): StateValue { return { importance: this.importance, anchor: this.anchor, stats: this.stats }; }

  loadState(state: StateValue): void {
    const s = stateReader.object(state, 'mas');
    this.dispose();
    this.importance = stateReader.tensors(s.importance, 'mas.importance');
    this.anchor = stateReader.tensors(s.anchor, 'mas.anchor');
    Object.assign(this.stats, stateReader.json<typeof this.stats>(s.stats, 'mas.stats'));
  }

  dispose(): void { disposeParamTensors(this.importance, this.anchor); this.importance = this.anchor = null; }
}
