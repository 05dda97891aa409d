/**
 * Elastic Weight Consolidation — Kirkpatrick et al. 2017, "Overcoming catastrophic
 * forgetting in neural networks", PNAS, arXiv 1612.00796. One (F_t, θ*_t) per finished
 * task, Eq. 3 extended to many tasks:
 *   L(θ) = L_t(θ) + Σ_{k<t} λ/2 · Σ_i F_k,i (θ_i − θ*_k,i)²          (the ½ is in)
 * F_k = diagonal Fisher of the model on task k's training data, with task k's head, over
 * the shared parameters only (multi-head: hidden layers). Variants (`fisher`): `exact`
 * (expectation over the model's predicted distribution, default), `empirical` (true
 * labels), `sampled` (one label drawn from the model with the method's seed); see
 * core/importance.ts. Hsu et al. 2018 (arXiv 1810.12488) use reg_coef 100 on task-IL split
 * MNIST with no ½ in the penalty — λ = 200 here — and an argmax-label Fisher over all
 * training samples.
 */
import {
  defineMethod, disposeParamTensors, fisherDiagonal, meanOf, quadraticPenalty, snapshot,
  tf, type ContinualMethod, type MethodContext, type ParamTensors, type TaskData, stateReader, type StateValue,
} from '@clbench/core';
import { z } from 'zod';

const hyperparameters = z.strictObject({
  lambda: z.number().nonnegative().default(200)
    .describe('λ in Σ_t λ/2·Σ F_t(θ−θ*_t)²; 200 = Hsu et al. 2018 task-IL split MNIST (reg_coef 100, their penalty has no ½)'),
  fisher: z.enum(['exact', 'empirical', 'sampled', 'argmax']).default('exact')
    .describe('Fisher estimate: exact = Σ_c p_c (∂log p_c/∂θ)² per sample; empirical = true label; sampled = label drawn from the model; argmax = the model\'s predicted label (Hsu et al. 2018\'s code)'),
  samples: z.number().int().positive().optional()
    .describe('training samples of the task used for the Fisher (random subset, method seed); default all of them, as Hsu et al. 2018'),
});
export type EwcHyperparameters = z.infer<typeof hyperparameters>;

export const ewc = defineMethod({
  name: 'ewc',
  paper: 'Kirkpatrick et al. 2017, "Overcoming catastrophic forgetting in neural networks", PNAS, arXiv 1612.00796',
  summary: 'one diagonal-Fisher quadratic penalty per finished task',
  supports: ['task', 'domain', 'class'],
  hyperparameters,
  create: (hp) => new Ewc(hp),
});

export class Ewc implements ContinualMethod {
  /** One (F_k, θ*_k) per finished task, in training order. */
  readonly terms: { fisher: ParamTensors; anchor: ParamTensors }[] = [];
  /** The terms merged by completing the square: Σ_k F_k(θ − θ*_k)² = A(θ − μ)² + K elementwise, with
   *  A = Σ_k F_k, μ = Σ_k F_k θ*_k / A, K = Σ_k F_k θ*_k² − Aμ² — a step costs the same for 1 or 100 tasks. */
  private merged: { A: ParamTensors; mu: ParamTensors; K: number } | null = null;
  private readonly stats = { perSampleGradients: '' as string, consolidationSeconds: [] as number[], fisherSamples: [] as number[], fisherMean: [] as number[] };

  constructor(readonly hp: EwcHyperparameters) {}

  penalty(ctx: MethodContext): tf.Scalar | null {
    if (!this.merged) return null;
    const { A, mu, K } = this.merged; // Eq. 3 summed over tasks: λ/2 · Σ_k Σ F_k(θ − θ*_k)²
    return quadraticPenalty(this.hp.lambda / 2, ctx.net.sharedParams(), mu, A).add(tf.scalar((this.hp.lambda / 2) * K));
  }

  afterTask(task: TaskData, ctx: MethodContext): void {
    const shared = ctx.net.sharedParams();
    const F = fisherDiagonal(ctx.net, task.train, { head: ctx.head, params: shared, variant: this.hp.fisher, samples: this.hp.samples, rng: ctx.rng });
    this.terms.push({ fisher: F.values, anchor: snapshot(shared) });
    const t0 = performance.now();
    this.merge(shared.map((p) => p.name));
    this.stats.consolidationSeconds.push(F.seconds + (performance.now() - t0) / 1000);
    this.stats.fisherSamples.push(F.samples);
    this.stats.perSampleGradients = F.path;
    this.stats.fisherMean.push(meanOf(F.values));
  }

  /** Recompute A, μ, K from all terms (float64 accumulation). */
  private merge(names: string[]): void {
    const A: ParamTensors = {}, mu: ParamTensors = {};
    let K = 0;
    for (const name of names) {
      const Fs = this.terms.map((t) => t.fisher[name].dataSync()), thetas = this.terms.map((t) => t.anchor[name].dataSync());
      const n = Fs[0].length, a = new Float32Array(n), m = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        let sf = 0, sft = 0, sftt = 0;
        for (let k = 0; k < Fs.length; k++) { const f = Fs[k][i], th = thetas[k][i]; sf += f; sft += f * th; sftt += f * th * th; }
        a[i] = sf;
        m[i] = sf > 0 ? sft / sf : thetas[thetas.length - 1][i];
        K += sf > 0 ? sftt - (sft * sft) / sf : 0;
      }
      const shape = this.terms[0].fisher[name].shape;
      A[name] = tf.tensor(a, shape); mu[name] = tf.tensor(m, shape);
    }
    if (this.merged) disposeParamTensors(this.merged.A, this.merged.mu);
    this.merged = { A, mu, K };
  }

  diagnostics() { return { fisher: this.hp.fisher, penalty: 'sum_t lambda/2 * sum F_t (theta - theta*_t)^2', ...this.stats }; }

  saveState(): StateValue {
    return { terms: this.terms, merged: this.merged, stats: this.stats };
  }

  loadState(state: StateValue): void {
    const s = stateReader.object(state, 'ewc');
    this.dispose();
    stateReader.array(s.terms, 'ewc.terms').forEach((term, k) => {
      const t = stateReader.object(term, `ewc.terms[${k}]`);
      this.terms.push({ fisher: stateReader.tensors(t.fisher, `ewc.terms[${k}].fisher`)!, anchor: stateReader.tensors(t.anchor, `ewc.terms[${k}].anchor`)! });
    });
    if (s.merged !== null) {
      const m = stateReader.object(s.merged, 'ewc.merged');
      this.merged = { A: stateReader.tensors(m.A, 'ewc.merged.A')!, mu: stateReader.tensors(m.mu, 'ewc.merged.mu')!, K: stateReader.number(m.K, 'ewc.merged.K') };
    }
    Object.assign(this.stats, stateReader.json<typeof this.stats>(s.stats, 'ewc.stats'));
  }

  dispose(): void {
    for (const t of this.terms) disposeParamTensors(t.fisher, t.anchor);
    this.terms.length = 0;
    if (this.merged) disposeParamTensors(this.merged.A, this.merged.mu);
    this.merged = null;
  }
}
