/**
 * Experience replay — Chaudhry et al. 2019, "On Tiny Episodic Memories in Continual Learning",
 * arXiv 1902.10486, Alg. 1 with reservoir sampling (§4). Each step trains on the current batch B
 * together with a batch B_M drawn uniformly from the episodic memory M; after the step, B is
 * offered to M by reservoir sampling (core/replay-memory.ts), so M holds a uniform sample of
 * every training sample seen so far, the current task's included:
 *   L = CE(B) + (|B_M| / |B|) · CE(B_M)        (CE = mean cross-entropy over the batch)
 * which is the mean cross-entropy over B ∪ B_M (the paper's single step on the concatenated
 * batch) times (|B| + |B_M|) / |B| — a constant that Adam's normalisation removes. A replayed
 * sample uses the head it was trained with (task-IL); the other tasks' heads are not updated
 * (the trainer steps the hidden layers and the current head only).
 * The memory is offered each training sample once: during a task's first epoch.
 */
import { defineMethod, ReplayMemory, replayLoss, tf, type ContinualMethod, type GradientStepContext, type StepContext, type TapeBatch, type StateValue } from '@clbench/core';
import { z } from 'zod';

const hyperparameters = z.strictObject({
  memorySize: z.number().int().positive().default(500)
    .describe('samples the memory holds in total (reservoir over all tasks); 500 = 50 per class on split MNIST, an a-priori choice (the paper studies tiny memories, 1–5 samples per class)'),
  replayBatchSize: z.number().int().positive().optional()
    .describe('memory samples replayed per step; default the training batch size (Chaudhry et al. 2019: 10 and 10)'),
});
export type ErHyperparameters = z.infer<typeof hyperparameters>;

export const er = defineMethod({
  name: 'er',
  paper: 'Chaudhry et al. 2019, "On Tiny Episodic Memories in Continual Learning", arXiv 1902.10486',
  summary: 'experience replay from a reservoir-sampled memory mixed into each batch',
  supports: ['task', 'domain', 'class'],
  hyperparameters,
  create: (hp) => new Er(hp),
  extraSamplesPerStep: (hp, batchSize) => hp.replayBatchSize ?? batchSize, // |B_M|, Alg. 1
});

export class Er implements ContinualMethod {
  readonly memory: ReplayMemory;

  constructor(readonly hp: ErHyperparameters) { this.memory = new ReplayMemory(hp.memorySize); }

  batchLoss(batch: TapeBatch, ctx: StepContext): tf.Scalar | null {
    if (this.memory.size === 0) return null;                             // first step: nothing stored yet
    const replay = this.memory.sample(this.hp.replayBatchSize ?? ctx.training.batchSize, ctx.rng); // B_M ~ U(M), Alg. 1
    return replayLoss(ctx.net, replay, true).mul(replay.n / batch.x.shape[0]); // (|B_M|/|B|)·CE(B_M): the step on B ∪ B_M
  }

  afterStep(ctx: GradientStepContext): void {
    if (ctx.position.epoch !== 0) return;                                  // later epochs show the same samples again
    const { split, idx, head } = ctx.samples;
    for (const i of idx) this.memory.offer(split, i, head, ctx.rng);       // M ← reservoir(M, B), §4
  }

  saveState(): StateValue { return this.memory.save(); }

  loadState(state: StateValue): void { this.memory.load(state); }

  diagnostics() {
    const m = this.memory;
    return { memory: { capacity: m.capacity, stored: m.size, offered: m.seen, bytes: m.bytes, perHead: m.perHead() }, replayBatchSize: this.hp.replayBatchSize ?? 'training batch size' };
  }
}
