/**
 * Synaptic Intelligence — Zenke, Poole & Ganguli 2017, "Continual Learning Through
 * Synaptic Intelligence", ICML, arXiv 1703.04200.
 *   per step:       ω_k += −g_k · Δθ_k       g = gradient of the task loss *without* the
 *                                             penalty (ctx.taskGrads), Δθ = the step's actual change
 *   after task μ:   Ω_k += ω_k / ((θ_k(end) − θ_k(start))² + ξ),  ω ← 0       (Eq. 5)
 *   penalty:        c · Σ_k Ω_k (θ_k − θ*_k)²,   θ* = θ at the end of the previous task   (Eq. 4; no ½)
 * Shared parameters only (multi-head: hidden layers). Defaults: Hsu et al. 2018 (arXiv
 * 1810.12488) task-IL split MNIST, c = 300 with damping ξ = 0.1 (their penalty has no ½
 * either, so c carries over).
 */
import {
  defineMethod, disposeParamTensors, meanOf, quadraticPenalty, snapshot, tf,
  type ContinualMethod, type GradientStepContext, type MethodContext, type ParamTensors, type TaskData, stateReader, type StateValue,
} from '@clbench/core';
import { z } from 'zod';

const hyperparameters = z.strictObject({
  c: z.number().nonnegative().default(300)
    .describe('strength c in c·ΣΩ(θ−θ*)² (no ½); 300 = Hsu et al. 2018 task-IL split MNIST (Zenke et al. use 0.1 on permuted MNIST)'),
  xi: z.number().positive().default(0.1)
    .describe('damping ξ in Ω += ω/(Δθ² + ξ); 0.1 = Hsu et al. 2018 and Zenke et al. 2017 (permuted MNIST)'),
});
export type SiHyperparameters = z.infer<typeof hyperparameters>;

export const si = defineMethod({
  name: 'si',
  paper: 'Zenke, Poole & Ganguli 2017, "Continual Learning Through Synaptic Intelligence", ICML, arXiv 1703.04200',
  summary: 'per-parameter importance from the path integral of the task-loss gradient',
  supports: ['task', 'domain', 'class'],
  hyperparameters,
  create: (hp) => new Si(hp),
});

export class Si implements ContinualMethod {
  /** Path integral of the current task and the parameters after the previous step. */
  omega: Record<string, tf.Variable> = {};
  private prev: Record<string, tf.Variable> = {};
  /** θ at the start of the current task. */
  private start: ParamTensors | null = null;
  /** Accumulated importance Ω and anchor θ*; null before the first consolidation. */
  importance: ParamTensors | null = null;
  anchor: ParamTensors | null = null;
  private readonly stats = { consolidationSeconds: [] as number[], omegaMean: [] as number[] };

  constructor(readonly hp: SiHyperparameters) {}

  beforeTask(_task: TaskData, ctx: MethodContext): void {
    const shared = ctx.net.sharedParams();
    disposeParamTensors(this.start);
    this.start = snapshot(shared);
    tf.tidy(() => {
      for (const { name, variable } of shared) {
        this.omega[name] ??= tf.variable(tf.zerosLike(variable), false);
        this.prev[name] ??= tf.variable(tf.zerosLike(variable), false);
        this.prev[name].assign(variable);
      }
    });
  }

  penalty(ctx: MethodContext): tf.Scalar | null {
    if (!this.importance || !this.anchor) return null;
    return quadraticPenalty(this.hp.c, ctx.net.sharedParams(), this.anchor, this.importance); // Eq. 4: c · ΣΩ(θ − θ*)²
  }

  afterStep(ctx: GradientStepContext): void {
    tf.tidy(() => {
      for (const { name, variable } of ctx.net.sharedParams()) {
        const g = ctx.taskGrads[name];                                    // ∂L_task/∂θ, no penalty
        if (g) this.omega[name].assign(this.omega[name].sub(g.mul(variable.sub(this.prev[name])))); // ω −= g·Δθ
        this.prev[name].assign(variable);
      }
    });
  }

  afterTask(_task: TaskData, ctx: MethodContext): void {
    const t0 = performance.now(), shared = ctx.net.sharedParams();
    const next: ParamTensors = {};
    for (const { name, variable } of shared) {
      next[name] = tf.keep(tf.tidy(() => {
        const omegaT = this.omega[name].div(variable.sub(this.start![name]).square().add(this.hp.xi)); // Eq. 5
        return this.importance ? this.importance[name].add(omegaT) : omegaT;
      }));
      tf.tidy(() => this.omega[name].assign(tf.zerosLike(variable)));                 // ω ← 0
    }
    disposeParamTensors(this.importance, this.anchor);
    this.importance = next;
    this.anchor = snapshot(shared);
    this.stats.consolidationSeconds.push((performance.now() - t0) / 1000);
    this.stats.omegaMean.push(meanOf(next));
  }

  diagnostics() { return { penalty: 'c * sum Omega (theta - theta*)^2', xi: this.hp.xi, ...this.stats }; }

  /** ω is 0 and θ_prev, θ_start are set again by beforeTask: Ω, θ* and the records carry over. */
  saveState(): StateValue { return { importance: this.importance, anchor: this.anchor, stats: this.stats }; }

  loadState(state: StateValue): void {
    const s = stateReader.object(state, 'si');
    this.dispose();
    this.importance = stateReader.tensors(s.importance, 'si.importance');
    this.anchor = stateReader.tensors(s.anchor, 'si.anchor');
    Object.assign(this.stats, stateReader.json<typeof this.stats>(s.stats, 'si.stats'));
  }

  dispose(): void {
    for (const v of [...Object.values(this.omega), ...Object.values(this.prev)]) v.dispose();
    this.omega = {}; this.prev = {};
    disposeParamTensors(this.start, this.importance, this.anchor);
    this.start = this.importance = this.anchor = null;
  }
}
