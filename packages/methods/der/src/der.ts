/**
 * DER++ — Buzzega, Boschini, Porrello, Abati & Calderara 2020, "Dark Experience for General
 * Continual Learning: a Strong, Simple Baseline", NeurIPS, arXiv 2004.07211, Alg. 1 and Eq. 6.
 * A reservoir memory M of training samples (x, y), each with z = h_θ(x), the logits the network
 * gave it on the step it was stored (logit-memory.ts). Each step, on the current batch B and two
 * independent uniform draws B′ = {(x′, z′)} and B″ = {(x″, y″)} from M:
 *   L = CE(B) + α · MSE(h_θ(x′), z′) + β · CE(f_θ(x″), y″)                        (Eq. 6)
 * CE(B) is the trainer's; batchLoss adds the two memory terms. MSE is the mean over the samples
 * and over the K outputs of the sample's head, (1/|B′|) Σ_i (1/K) Σ_k (h_k(x′_i) − z′_ik)², as in
 * the authors' code (mammoth, F.mse_loss): Eq. 6's squared norm summed over k is K times this,
 * so the paper's α is this α / K. CE terms are means over their batch. After the step's terms
 * are drawn, B is offered to M with the logits of this very forward pass (Alg. 1: z ← h_θ(x)
 * before θ is updated, then M ← reservoir(M, (x, z, y))); each training sample is offered once,
 * during its task's first epoch (as ER here: with several epochs M stays a uniform sample of the
 * stream). A sample's logits and its replay use the head it was trained with (task-IL: its own
 * task's head); other tasks' heads are not updated (the trainer steps the current head only).
 * β = 0 is DER (Alg. 1 without the second draw).
 * Defaults: Buzzega et al. 2020, Appendix, hyper-parameter table for Seq-MNIST with a 500-sample
 * buffer (also mammoth utils/best_args.py, seq-mnist derpp 500): α = 1.0, β = 0.5, memory batch
 * = training batch (10 and 10 there; lr 0.03 SGD there, the suite's optimiser here).
 */
import { defineMethod, tf, type ContinualMethod, type MemoryBatch, type Network, type StateValue, type StepContext, type TapeBatch } from '@clbench/core';
import { z } from 'zod';
import { LogitMemory } from './logit-memory.js';

const hyperparameters = z.strictObject({
  alpha: z.number().nonnegative().default(1)
    .describe('α on the logit-matching term α·MSE(h(x′), z′), MSE averaged over samples and outputs (Eq. 6 with the authors\' mean; the paper\'s α = this α / K); 1.0 = Buzzega et al. 2020, Seq-MNIST, buffer 500'),
  beta: z.number().nonnegative().default(0.5)
    .describe('β on the label term β·CE(f(x″), y″) of the second memory draw (0 = DER); 0.5 = Buzzega et al. 2020, Seq-MNIST, buffer 500'),
  memorySize: z.number().int().positive().default(500)
    .describe('samples (with their logits) the memory holds in total (reservoir over all tasks); 500 = the budget of er and a-gem (and the paper\'s Seq-MNIST 500-sample buffer)'),
  replayBatchSize: z.number().int().positive().optional()
    .describe('samples in each of the two memory draws per step; default the training batch size (the paper\'s Seq-MNIST: 10 and 10)'),
});
export type DerHyperparameters = z.infer<typeof hyperparameters>;

export const der = defineMethod({
  name: 'der',
  paper: 'Buzzega et al. 2020, "Dark Experience for General Continual Learning: a Strong, Simple Baseline", NeurIPS, arXiv 2004.07211',
  summary: 'DER++: a reservoir memory of samples and their logits; α·MSE on stored logits + β·CE on stored labels (β = 0: DER)',
  supports: ['task', 'domain', 'class'],
  hyperparameters,
  create: (hp) => new Der(hp),
  extraSamplesPerStep: (hp, batchSize) => 2 * (hp.replayBatchSize ?? batchSize), // |B′| + |B″|, Alg. 1
});

/** The two memory terms of Eq. 6 on draws B′ (with stored logits z′ [n′, width]) and B″, one
 *  forward pass through the hidden layers for both; each head present is applied to all the
 *  features and its samples selected by 0/1 weights (wasm has no gradient for tf.gather). */
export function darkReplayLoss(net: Network, b1: MemoryBatch, z1: tf.Tensor2D, b2: MemoryBatch, alpha: number, beta: number): tf.Scalar {
  return tf.tidy(() => {
    const n1 = b1.n, n2 = b2.n, D = b1.x.length / n1;
    const xs = new Float32Array((n1 + n2) * D);
    xs.set(b1.x); xs.set(b2.x, n1 * D);
    const { features } = net.forward(tf.tensor2d(xs, [n1 + n2, D]), b1.heads[0], true);
    let mse: tf.Scalar = tf.scalar(0), ce: tf.Scalar = tf.scalar(0);
    for (const h of new Set([...b1.heads, ...b2.heads])) {
      const K = net.heads[h].b.shape[0];
      const logits = net.headLogits(features, h);
      const mine1 = tf.tensor1d(Float32Array.from(b1.heads, (hh) => (hh === h ? 1 : 0)));
      const err = logits.slice([0, 0], [n1, K]).sub(z1.slice([0, 0], [n1, K]));
      mse = mse.add(err.square().mean(1).mul(mine1).sum());               // Σ_i (1/K) Σ_k (h_k(x′_i) − z′_ik)², this head's samples
      const mine2 = Float32Array.from(b2.heads, (hh) => (hh === h ? 1 : 0));
      const labels = Int32Array.from(b2.y, (y, i) => (mine2[i] ? y : 0));  // others: any label, weight 0
      ce = ce.add(tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), K), logits.slice([n1, 0], [n2, K]), tf.tensor1d(mine2), 0, tf.Reduction.SUM));
    }
    return mse.mul(alpha / n1).add(ce.mul(beta / n2)) as tf.Scalar;    // α·MSE(B′) + β·CE(B″), Eq. 6
  });
}

export class Der implements ContinualMethod {
  private memory: LogitMemory | null = null;

  constructor(readonly hp: DerHyperparameters) {}

  /** The memory (created on the first offer: its logits are as wide as the widest head). */
  memoryFor(net: Network): LogitMemory {
    this.memory ??= new LogitMemory(this.hp.memorySize, Math.max(...net.heads.map((h) => h.b.shape[0])));
    return this.memory;
  }

  batchLoss(batch: TapeBatch, step: StepContext): tf.Scalar | null {
    const memory = this.memoryFor(step.net);
    let loss: tf.Scalar | null = null;
    if (memory.size > 0) {                                                  // the first step: nothing stored yet
      const count = this.hp.replayBatchSize ?? step.training.batchSize;
      const first = memory.sample(count, step.rng), second = memory.sample(count, step.rng);   // B′, B″ ~ U(M), independent (Alg. 1)
      const z1 = memory.logitsOf(first.slots);
      loss = darkReplayLoss(step.net, first.batch, z1, second.batch, this.hp.alpha, this.hp.beta);
      z1.dispose();
    }
    if (step.phase === 'training' && step.position.epoch === 0) {          // later epochs show the same samples again
      const { split, idx, head } = step.samples;
      memory.offer(split, idx, head, batch.logits, step.rng);              // M ← reservoir(M, (x, z = h_θ(x), y)), Alg. 1
    }
    return loss;
  }

  saveState(): StateValue { return this.memory ? this.memory.save() : null; }

  loadState(state: StateValue, ctx: { net: Network }): void {
    this.dispose();
    if (state !== null) this.memoryFor(ctx.net).load(state);
  }

  diagnostics() {
    const m = this.memory;
    const memory = m ? { capacity: m.capacity, stored: m.size, offered: m.seen, bytes: m.bytes, perHead: m.perHead() } : { capacity: this.hp.memorySize, stored: 0, offered: 0, bytes: 0, perHead: {} };
    return { memory, alpha: this.hp.alpha, beta: this.hp.beta, replayBatchSize: this.hp.replayBatchSize ?? 'training batch size' };
  }

  dispose(): void { this.memory?.dispose(); this.memory = null; }
}
