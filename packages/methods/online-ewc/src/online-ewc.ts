/**
 * Online EWC — Schwarz et al. 2018, "Progress & Compress: A scalable framework for
 * continual learning", ICML, arXiv 1805.06370 (online EWC, the regulariser of the compress phase). One running Fisher
 * and a single anchor at the latest solution:
 *   F ← γ·F + F_t,   θ* ← θ_t                         (after each task t)
 *   L(θ) = L_t(θ) + λ/2 · Σ_i F_i (θ_i − θ*_i)²        (the ½ is in; no extra γ here)
 * γ appears only in the recursion. (Schwarz et al. write the penalty with γF*, so their
 * λ equals ours / γ; with γ = 1, the default, the two coincide.) F_t is EWC's diagonal
 * Fisher (core/importance.ts) with task t's head over the shared parameters.
 * Defaults: Hsu et al. 2018 (arXiv 1810.12488) task-IL split MNIST, reg_coef 400 with no ½
 * → λ = 800, and F accumulated without decay → γ = 1.
 */
import {
  axpy, defineMethod, disposeParamTensors, fisherDiagonal, meanOf, quadraticPenalty, snapshot,
  type ContinualMethod, type MethodContext, type ParamTensors, type TaskData, type tf, stateReader, type StateValue,
} from '@clbench/core';
import { z } from 'zod';

const hyperparameters = z.strictObject({
  lambda: z.number().nonnegative().default(800)
    .describe('λ in λ/2·Σ F(θ−θ*)²; 800 = Hsu et al. 2018 task-IL split MNIST (reg_coef 400, their penalty has no ½)'),
  gamma: z.number().min(0).max(1).default(1)
    .describe('decay γ in F ← γF + F_t (Hsu et al. 2018: 1, no decay; Schwarz et al. 2018 use γ < 1 on long sequences)'),
  fisher: z.enum(['exact', 'empirical', 'sampled', 'argmax']).default('exact')
    .describe('Fisher estimate: exact = Σ_c p_c (∂log p_c/∂θ)² per sample; empirical = true label; sampled = label drawn from the model; argmax = the model\'s predicted label (Hsu et al. 2018\'s code)'),
  samples: z.number().int().positive().optional()
    .describe('training samples of the task used for the Fisher (random subset, method seed); default all of them'),
});
export type OnlineEwcHyperparameters = z.infer<typeof hyperparameters>;

export const onlineEwc = defineMethod({
  name: 'online-ewc',
  paper: 'Schwarz et al. 2018, "Progress & Compress: A scalable framework for continual learning", ICML, arXiv 1805.06370',
  summary: 'EWC with one running Fisher F ← γF + F_t and one anchor at the latest solution',
  supports: ['task', 'domain', 'class'],
  hyperparameters,
  create: (hp) => new OnlineEwc(hp),
});

export class OnlineEwc implements ContinualMethod {
  /** Running Fisher and anchor; null before the first consolidation. */
  fisher: ParamTensors | null = null;
  anchor: ParamTensors | null = null;
  private readonly stats = { perSampleGradients: '' as string, consolidationSeconds: [] as number[], fisherSamples: [] as number[], fisherMean: [] as number[] };

  constructor(readonly hp: OnlineEwcHyperparameters) {}

  penalty(ctx: MethodContext): tf.Scalar | null {
    if (!this.fisher || !this.anchor) return null;
    return quadraticPenalty(this.hp.lambda / 2, ctx.net.sharedParams(), this.anchor, this.fisher); // λ/2 · Σ F(θ − θ*)²
  }

  afterTask(task: TaskData, ctx: MethodContext): void {
    const shared = ctx.net.sharedParams();
    const F = fisherDiagonal(ctx.net, task.train, { head: ctx.head, params: shared, variant: this.hp.fisher, samples: this.hp.samples, rng: ctx.rng });
    const next = this.fisher ? axpy(this.hp.gamma, this.fisher, F.values) : F.values; // F ← γF + F_t
    if (this.fisher) disposeParamTensors(this.fisher, F.values);
    disposeParamTensors(this.anchor);
    this.fisher = next;
    this.anchor = snapshot(shared);
    this.stats.consolidationSeconds.push(F.seconds);
    this.stats.fisherSamples.push(F.samples);
    this.stats.perSampleGradients = F.path;
    this.stats.fisherMean.push(meanOf(next));
  }

  diagnostics() { return { fisher: this.hp.fisher, gamma: this.hp.gamma, penalty: 'lambda/2 * sum F (theta - theta*)^2, F <- gamma F + F_t', ...this.stats }; }

  saveState(): StateValue { return { fisher: this.fisher, anchor: this.anchor, stats: this.stats }; }

  loadState(state: StateValue): void {
    const s = stateReader.object(state, 'online-ewc');
    this.dispose();
    this.fisher = stateReader.tensors(s.fisher, 'online-ewc.fisher');
    this.anchor = stateReader.tensors(s.anchor, 'online-ewc.anchor');
    Object.assign(this.stats, stateReader.json<typeof this.stats>(s.stats, 'online-ewc.stats'));
  }

  dispose(): void { disposeParamTensors(this.fisher, this.anchor); this.fisher = this.anchor = null; }
}
