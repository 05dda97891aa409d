/**
 * Hard Attention to the Task — Serra et al. 2018, "Overcoming Catastrophic Forgetting with Hard
 * Attention to the Task", ICML, arXiv 1801.01423. Task-incremental (one head per task).
 *  - Each task t has an embedding e^t_l [units] per hidden layer; its gate a^t_l = σ(s·e^t_l)
 *    multiplies the layer's activations (Eq. 1), in training (through the tape) and evaluation.
 *  - s is annealed over the batches b = 1..B of each epoch (Eq. 3):
 *      s = 1/s_max + (s_max − 1/s_max) · (b − 1)/(B − 1);  evaluation and the stored masks use s_max.
 *  - Gradients of the shared weights are conditioned on the cumulative mask of earlier tasks
 *    a^{<t} = max(a^{<t−1}, a^{t−1}) (Eq. 2, computed at s_max):
 *      g'_{l,ij} = (1 − min(a^{<t}_{l,i}, a^{<t}_{l−1,j})) · g_{l,ij}   (biases: 1 − a^{<t}_{l,i};
 *    the first layer's inputs count as a = 1); task heads are the task's own and not conditioned.
 *  - Embedding gradients are compensated for the annealing (§2.5, Eq. 4):
 *      q'_{l,i} = s_max [cosh(s e_{l,i}) + 1] / (s [cosh(e_{l,i}) + 1]) · q_{l,i}
 *    (cosh(s e) with s·e clamped to ±50, as the authors' code, so float32 cannot overflow).
 *  - A sparsity regulariser on the attention (Eq. 5) is added to the loss:
 *      c · R,  R = Σ_l Σ_i a^t_{l,i} (1 − a^{<t}_{l,i}) / Σ_l Σ_i (1 − a^{<t}_{l,i}).
 * Not done: the authors' code also clips the gradient norm and clamps e to ±6 after each step;
 * the paper trains with SGD, here the suite's optimiser is used (with Adam a partly conditioned
 * gradient, 0 < 1 − a < 1, still moves its weight by about lr: only binary masks protect exactly).
 * Units are counted used when their gate at s_max is above ½ (diagnostics.units, as CLNP's).
 */
import { defineMethod, records, stateReader, tf, type ContinualMethod, type GradientStepContext, type MethodContext, type StateValue, type StepContext, type TaskData, type TaskPlan } from '@clbench/core';
import { z } from 'zod';

const hyperparameters = z.strictObject({
  sMax: z.number().min(1).default(400).describe('s_max of the gate slope (Eq. 3); 400 = Serra et al. 2018, §4'),
  c: z.number().nonnegative().default(0.75).describe('c of the attention sparsity regulariser (Eq. 5); 0.75 = Serra et al. 2018, §4'),
});
export type HatHyperparameters = z.infer<typeof hyperparameters>;

export const hat = defineMethod({
  name: 'hat',
  paper: 'Serra et al. 2018, "Overcoming Catastrophic Forgetting with Hard Attention to the Task", ICML, arXiv 1801.01423',
  summary: 'per-task hard attention gates on units, cumulative-mask gradient conditioning',
  supports: ['task'],
  hyperparameters,
  create: (hp) => new Hat(hp),
});

/** Eq. 3: the gate slope at batch `step` (0-based) of `steps`. */
export function annealedSlope(sMax: number, step: number, steps: number): number {
  return steps > 1 ? 1 / sMax + (sMax - 1 / sMax) * (step / (steps - 1)) : sMax;
}

/** s of a step, from the trainer's position of the step in its epoch (Eq. 3). */
const slopeOf = (sMax: number, step: StepContext) => annealedSlope(sMax, step.position.step, step.position.steps);

/** Eq. 4: the factor s_max [cosh(s e) + 1] / (s [cosh(e) + 1]) multiplying the embedding gradient. */
export function compensation(e: tf.Tensor, s: number, sMax: number): tf.Tensor {
  const num = tf.cosh(e.mul(s).clipByValue(-50, 50)).add(1);
  return num.div(tf.cosh(e).add(1)).mul(sMax / s);
}

/** The name under which task embedding e^t_l of hidden layer `layer` is differentiated and stepped. */
export const embeddingName = (layer: string) => `hat.e.${layer}`;

let hatCount = 0; // tfjs variable names are global: make them unique

interface UnitCount { task: number; layer: number; free: number; active: number; reused: number }

export class Hat implements ContinualMethod {
  /** The current task's embeddings e^t_l, one variable per hidden layer. */
  private embeddings: tf.Variable[] = [];
  /** a^{<t}_l: the cumulative mask of the finished tasks (max over their gates at s_max). */
  cumulative: tf.Tensor1D[] = [];
  /** Gradient-conditioning factors of l{i}.W and l{i}.b for the current task (Eq. 2); empty for the first task. */
  conditioning: Record<string, tf.Tensor> = {};
  /** Σ_l Σ_i (1 − a^{<t}_{l,i}): the denominator of R (Eq. 5). */
  private freeMass = 0;
  private readonly units: UnitCount[] = [];
  /** Per task, per layer: gates at s_max strictly between 0 and 1 in float32 (not binary: their weights are only partly protected). */
  private readonly nonBinary: number[][] = [];

  constructor(readonly hp: HatHyperparameters) {}

  setup(ctx: MethodContext): void {
    this.cumulative = ctx.net.layers.map((l) => tf.keep(tf.zeros([l.units])) as tf.Tensor1D);
  }

  beforeTask(task: TaskData, ctx: MethodContext): TaskPlan {
    tf.dispose(this.embeddings);
    // e^t ~ N(0, 1), as the authors' torch.nn.Embedding; from the method's seeded stream
    this.embeddings = ctx.net.layers.map((l) => {
      const init = tf.tensor1d(Float32Array.from({ length: l.units }, () => ctx.rng.normal()));
      const e = tf.variable(init, true, `hat${hatCount++}.t${task.id}.l${l.index}`);
      init.dispose();                                                       // the variable holds its own copy
      return e;
    });
    tf.dispose(Object.values(this.conditioning));
    this.conditioning = {};
    const prev = this.cumulative.map((a) => Float32Array.from(a.dataSync()));
    this.freeMass = 0;
    for (const a of prev) for (const v of a) this.freeMass += 1 - v;
    const conditioned = ctx.finished.length > 0 ? ctx.net.layers : [];      // the first task is not conditioned
    conditioned.forEach((layer, l) => {                                     // Eq. 2: 1 − min(a^{<t}_{l,i}, a^{<t}_{l−1,j})
      const out = prev[l], inp = l > 0 ? prev[l - 1] : null;
      const w = layer.weightMask((j, i) => 1 - Math.min(out[i], j < 0 || !inp ? 1 : inp[j]));
      this.conditioning[`${layer.name}.W`] = tf.keep(tf.tensor(w, layer.W.shape));
      this.conditioning[`${layer.name}.b`] = tf.keep(tf.tensor1d(out.map((v) => 1 - v)));
    });
    // The embeddings train with the network's parameters (the trainer differentiates and steps them).
    return { params: this.embeddings.map((variable, l) => ({ name: embeddingName(ctx.net.layers[l].name), variable })) };
  }

  unitGates(step: StepContext): tf.Tensor[] {
    const s = slopeOf(this.hp.sMax, step);                                  // Eq. 3
    return this.embeddings.map((e) => tf.sigmoid(e.mul(s)));                // a^t_l = σ(s e^t_l), Eq. 1
  }

  penalty(step: StepContext): tf.Scalar | null {
    if (!this.embeddings.length || this.freeMass <= 0) return null;         // no free unit left: R is 0/0, nothing to add
    const s = slopeOf(this.hp.sMax, step);
    return tf.tidy(() => {
      let num: tf.Scalar = tf.scalar(0);
      this.embeddings.forEach((e, l) => {
        num = num.add(tf.sigmoid(e.mul(s)).mul(tf.sub(1, this.cumulative[l])).sum()); // Σ_i a^t_i (1 − a^{<t}_i)
      });
      return num.div(this.freeMass).mul(this.hp.c) as tf.Scalar;            // c · R, Eq. 5
    });
  }

  transformGradients(grads: Record<string, tf.Tensor>, step: GradientStepContext): Record<string, tf.Tensor> {
    const out = { ...grads }, s = slopeOf(this.hp.sMax, step);
    for (const [name, factor] of Object.entries(this.conditioning)) if (out[name]) out[name] = out[name].mul(factor); // Eq. 2
    this.embeddings.forEach((e, l) => {
      const name = embeddingName(step.net.layers[l].name);
      if (out[name]) out[name] = out[name].mul(compensation(e, s, this.hp.sMax));                   // Eq. 4
    });
    return out;
  }

  afterTask(task: TaskData, ctx: MethodContext): void {
    this.nonBinary.push([]);
    ctx.net.layers.forEach((layer, l) => {
      const gate = tf.tidy(() => tf.sigmoid(this.embeddings[l].mul(this.hp.sMax))) as tf.Tensor1D; // a^t at s_max
      const g = gate.dataSync(), before = this.cumulative[l].dataSync();
      let active = 0, reused = 0, free = 0, nonBinary = 0;
      for (let i = 0; i < g.length; i++) {
        if (g[i] > 0 && g[i] < 1) nonBinary++;
        const used = g[i] > 0.5, usedBefore = before[i] > 0.5;
        if (used && usedBefore) reused++; else if (used) active++;
        if (!used && !usedBefore) free++;
      }
      this.units.push({ task: task.id, layer: l, free, active, reused });
      this.nonBinary[this.nonBinary.length - 1].push(nonBinary);
      const next = tf.keep(tf.maximum(this.cumulative[l], gate)) as tf.Tensor1D; // a^{≤t} = max(a^{<t}, a^t)
      this.cumulative[l].dispose();
      this.cumulative[l] = next;
      ctx.net.setHeadUnitMask(l, ctx.head, gate);                           // evaluation of task t uses its mask
    });
    tf.dispose(this.embeddings);
    this.embeddings = [];
  }

  /** `units.layers` has CLNP's shape (packages/report/src/clnp-units.ts): after task t, per layer,
   *  units still free, units t newly uses (active), units of earlier tasks t uses too (reused). */
  diagnostics() { return { units: { layers: this.units }, nonBinaryGates: this.nonBinary, sMax: this.hp.sMax, c: this.hp.c }; }

  /** a^{<t} and the records carry over (the task masks travel with the network); embeddings,
   *  conditioning and the free mass are made again by beforeTask. */
  saveState(): StateValue { return { cumulative: this.cumulative, units: records(this.units), nonBinary: this.nonBinary }; }

  loadState(state: StateValue): void {
    const s = stateReader.object(state, 'hat');
    tf.dispose(this.cumulative);
    this.cumulative = stateReader.array(s.cumulative, 'hat.cumulative').map((a, l) => stateReader.tensor(a, `hat.cumulative[${l}]`) as tf.Tensor1D);
    this.units.splice(0, this.units.length, ...stateReader.json<UnitCount[]>(s.units, 'hat.units'));
    this.nonBinary.splice(0, this.nonBinary.length, ...stateReader.json<number[][]>(s.nonBinary, 'hat.nonBinary'));
  }

  dispose(): void {
    tf.dispose([...this.embeddings, ...this.cumulative, ...Object.values(this.conditioning)]);
    this.embeddings = []; this.cumulative = []; this.conditioning = {};
  }
}
