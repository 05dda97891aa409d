/**
 * GDumb — Prabhu, Torr & Dokania 2020, "GDumb: A Simple Approach that Questions Our Progress in
 * Continual Learning", ECCV. Two parts (§3, Fig. 1): a greedy class-balanced sampler fills a
 * memory of k samples from the stream (Alg. 1, balanced-memory.ts), and at each evaluation point
 * a learner is trained *from scratch* on the memory alone; the stream itself trains nothing.
 * Here the evaluation points are the ends of tasks:
 *  - beforeTask: the task's own epochs train on no data (TaskPlan.trainOn = []: zero steps);
 *  - afterTask: the task's training samples, in an order drawn from the method's rng (the stream
 *    order), are offered to the sampler; then every weight is drawn again from the method's rng
 *    (Network.reinitialise, as buildNetwork draws them) and `epochs` epochs run on the memory only
 *    through the trainer's own loop (tools.train, with trainOn = the memory: its optimiser, a fresh
 *    one per call, the suite's batch size and lr). Task-IL: each stored sample trains its own
 *    task's head (the heads take turns batch by batch); class-/domain-IL: one shared head.
 * Departures from the paper, stated: the suite's optimiser and learning rate instead of SGD with
 * SGDR (0.05 → 0.0005) and gradient clipping; no cutmix and no batch norm (the paper's MNIST MLP
 * has it); class-IL evaluation over all outputs (the paper masks the classes not seen yet; those
 * classes have no sample in the memory, so training already pushes their logits down).
 * Step budget: every gradient step is a retraining step, counted by the trainer as consolidation
 * (run record `steps.consolidation`) and here per evaluation (`diagnostics.retraining`: steps,
 * samples in the memory, seconds). GDumb declares no `consolidationEpochs`: under the equal-steps
 * budget it is, like joint, the stated exception (its steps are over the memory, not the task).
 * Defaults: k = 500 and 128 passes, the authors' MNIST setting (scripts/replicate.sh in
 * github.com/drimpossible/GDumb: --memory_size 500 --num_passes 128, MLP-400).
 */
import { defineMethod, headOf, stateReader, type ContinualMethod, type MethodContext, type StateValue, type TaskData, type TaskPlan, type TaskTools } from '@clbench/core';
import { z } from 'zod';
import { BalancedMemory } from './balanced-memory.js';

const hyperparameters = z.strictObject({
  memorySize: z.number().int().positive().default(500)
    .describe('samples the class-balanced memory holds (k); 500 = the authors\' MNIST setting and the budget of er, a-gem and der'),
  epochs: z.number().int().positive().default(128)
    .describe('epochs of the from-scratch training on the memory at each evaluation point (after each task); 128 = the authors\' MNIST setting (--num_passes 128)'),
});
export type GdumbHyperparameters = z.infer<typeof hyperparameters>;

export const gdumb = defineMethod({
  name: 'gdumb',
  paper: 'Prabhu, Torr & Dokania 2020, "GDumb: A Simple Approach that Questions Our Progress in Continual Learning", ECCV',
  summary: 'a class-balanced greedy memory; after each task a network trained from scratch on the memory alone',
  supports: ['task', 'domain', 'class'],
  hyperparameters,
  create: (hp) => new Gdumb(hp),
});

/** One evaluation point's retraining: what GDumb's learner was trained on, and what it cost. */
export interface RetrainingRecord {
  /** Task (training order) after which the network was retrained. */
  task: number;
  /** Samples in the memory, and per class key (head offset + label). */
  memory: number;
  perClass: Record<number, number>;
  epochs: number;
  /** Gradient steps of the retraining: epochs × Σ over heads ⌈stored / batch⌉. */
  steps: number;
  seconds: number;
}

const EMPTY = { x: new Float32Array(0), y: new Int32Array(0), n: 0 };

export class Gdumb implements ContinualMethod {
  readonly memory: BalancedMemory;
  readonly retraining: RetrainingRecord[] = [];
  /** The plan the trainer holds for the current task: no data for its own epochs, the memory for the retraining. */
  private readonly plan: { trainOn: TaskData[] } = { trainOn: [] };

  constructor(readonly hp: GdumbHyperparameters) { this.memory = new BalancedMemory(hp.memorySize); }

  setup(ctx: MethodContext): void {
    if (ctx.training.optimizerState === 'carried') {
      ctx.warn("gdumb: optimizerState 'carried' carries Adam's moments into each retraining: the network is not trained from scratch");
    }
  }

  beforeTask(): TaskPlan {
    this.plan.trainOn = [];                                          // the stream trains nothing (§3): zero steps
    return this.plan;
  }

  async afterTask(task: TaskData, ctx: MethodContext, tools: TaskTools): Promise<void> {
    const head = headOf(ctx.scenario, task.id);
    const offset = ctx.scenario.headOutputs.slice(0, head).reduce((a, b) => a + b, 0);
    for (const i of ctx.rng.permutation(task.train.n)) {
      this.memory.offer(task.train, i, head, offset + task.train.y[i], ctx.rng);   // greedy class-balanced sampler, Alg. 1
    }
    ctx.net.reinitialise(ctx.rng);                                   // the learner starts from scratch at each evaluation (§3)
    const sources = this.memory.byHead();
    this.plan.trainOn = sources.map(({ head: h, split }) => ({      // the memory only; task-IL: each head's samples as its task
      id: ctx.scenario.incremental === 'task' ? h : task.id, name: `gdumb memory (head ${h})`, classes: [], train: split, validation: EMPTY, test: EMPTY,
    }));
    const t0 = performance.now();
    try { await tools.train(task, this.hp.epochs); }
    finally { this.plan.trainOn = []; }
    const batches = sources.reduce((n, s) => n + Math.ceil(s.split.n / ctx.training.batchSize), 0);
    this.retraining.push({
      task: task.id, memory: this.memory.size, perClass: this.memory.perClass(), epochs: this.hp.epochs,
      steps: this.hp.epochs * batches, seconds: (performance.now() - t0) / 1000,
    });
  }

  diagnostics() {
    const m = this.memory;
    return {
      memory: { capacity: m.capacity, stored: m.size, offered: m.seen, bytes: m.bytes, perClass: m.perClass() },
      retraining: this.retraining,
      stepBudget: 'every step trains a freshly initialised network on the memory alone, after each task (steps.consolidation); the tasks\' own epochs take none',
    };
  }

  saveState(): StateValue {
    return { memory: this.memory.save(), retraining: this.retraining.map((r) => ({ ...r, perClass: { ...r.perClass } })) };
  }

  loadState(state: StateValue): void {
    const s = stateReader.object(state, 'gdumb');
    this.memory.load(s.memory);
    this.retraining.splice(0, this.retraining.length, ...(stateReader.array(s.retraining, 'gdumb.retraining') as unknown as RetrainingRecord[]));
  }
}
