/**
 * The one interface every continual-learning method implements (docs/design.md, "The method
 * interface"; the picture of the loop: docs/adding-a-method.md). Hooks are optional and *return*
 * values; the trainer owns the loop, the optimiser, batching, evaluation and all counters, and
 * hands every per-step hook one framework-owned `StepContext` (phase, position, samples; the task
 * gradients once they exist). A method never steps the optimiser and never tracks the loop itself.
 *
 * Order in a run:  setup → for each task: beforeTask (→ TaskPlan) → [per step: unitGates and
 * batchLoss (in the tape), penalty (θ only), transformGradients, optimiser step, afterStep]
 * → afterTask (its steps, through tools.train, are phase 'consolidation') → evaluation (of each
 * task with evaluationNetwork's network, if any, and predict's labels, if any);  diagnostics at the end.
 *
 * setup, beforeTask, afterTask and diagnostics may read tensors synchronously (dataSync): on a
 * backend without synchronous reads (webgpu) the trainer runs them on the host backend
 * (host.ts). The per-step hooks run on the training backend and must not read tensors.
 */
import type { z } from 'zod';
import type { tf } from './backend.js';
import type { Network, Param } from './network.js';
import type { Rng } from './rng.js';
import type { StateValue } from './state.js';
import type { TrainingConfig } from './schemas/suite.js';
import type { Incremental, Scenario, Split, TaskData } from './task.js';

export interface MethodContext {
  readonly net: Network;
  readonly scenario: Scenario;
  readonly training: TrainingConfig;
  /** The method's own random stream (forked from the run seed). */
  readonly rng: Rng;
  /** Index (in training order) of the current task; -1 before the first. */
  readonly taskId: number;
  /** Head used by the current task. */
  readonly head: number;
  /** Tasks finished so far, in training order. */
  readonly finished: readonly TaskData[];
  /** Record a warning in the run (shown in the results and on stderr). */
  warn(message: string): void;
}

/** What `beforeTask` may ask of the trainer for the task's steps (training and consolidation). */
export interface TaskPlan {
  /** The tasks whose training data the steps draw from (joint: every task so far); default [task]. */
  readonly trainOn?: readonly TaskData[];
  /** The method's own trainable parameters (HAT's task embeddings): differentiated and stepped with
   *  the network's. Names must not clash with the network's (`l0.W`, `head1.b`). */
  readonly params?: readonly Param[];
}

/** Where a step lies: HAT anneals its gate slope over the batches of an epoch (Serra et al. 2018, Eq. 3). */
export interface StepPosition {
  readonly epoch: number;
  /** 0-based index of the batch in the epoch, of `steps`. */
  readonly step: number;
  readonly steps: number;
}

/** 'training': the task's own epochs; 'consolidation': epochs afterTask trains through
 *  `tools.train` (CLNP's fine-tuning, PackNet's retraining). */
export type StepPhase = 'training' | 'consolidation';

/** The raw training samples of a step: rows `idx` of `split` (training data only, never
 *  validation or test), trained with head `head`. Replay memories copy from them. */
export interface StepSamples {
  readonly split: Split;
  readonly idx: Int32Array;
  readonly head: number;
}

/** The framework-owned context of one optimiser step, the same object for every per-step hook. */
export interface StepContext extends MethodContext {
  readonly phase: StepPhase;
  readonly position: StepPosition;
  readonly samples: StepSamples;
}

/** A step's context once the task loss is differentiated (transformGradients, afterStep). */
export interface GradientStepContext extends StepContext {
  /** Gradients of the task loss (cross-entropy + batchLoss), *without* `penalty`, by parameter name. */
  readonly taskGrads: Readonly<Record<string, tf.Tensor>>;
}

/** The mini-batch inside the gradient tape: its data, the logits of its head, the head's input
 *  `features` [N, F] (other heads: `net.headLogits(features, k)`) and the hidden activations
 *  (one [N, units] tensor per dense layer, [N, h, w, filters] per conv layer). */
export interface TapeBatch {
  readonly x: tf.Tensor2D;
  readonly y: tf.Tensor1D;
  readonly head: number;
  readonly logits: tf.Tensor2D;
  readonly features: tf.Tensor2D;
  readonly activations: tf.Tensor[];
}

export interface ContinualMethod {
  /** Called once before the first task. */
  setup?(ctx: MethodContext): void;
  /** Called before training a task (CLNP re-initialises free units); may return the task's plan:
   *  the data it trains on (joint) and the method's own parameters (HAT). */
  beforeTask?(task: TaskData, ctx: MethodContext): TaskPlan | void;
  /** Per hidden layer, a [units] gate multiplying its activations in this step's forward pass,
   *  computed inside the tape (HAT's σ(s·e)); null = the network's own masks. */
  unitGates?(step: StepContext): tf.Tensor[] | null;
  /** The batch's loss in place of the trainer's cross-entropy, inside the tape (iCaRL's sigmoid
   *  binary cross-entropy with distillation targets, Rebuffi et al. 2017, Alg. 3); batchLoss is
   *  still added. Absent = the cross-entropy of the batch's logits (over the seen classes only
   *  under the scenario's `seenClassesOnly`, seen-classes.ts). */
  taskLoss?(batch: TapeBatch, step: StepContext): tf.Scalar;
  /** Loss term on the batch, its activations or data the method keeps, inside the tape (CLNP's L1
   *  on activations, LwF's distillation, ER's replayed memory batch); null = nothing to add. */
  batchLoss?(batch: TapeBatch, step: StepContext): tf.Scalar | null;
  /** Loss term on the parameters only (EWC, SI, MAS, L2), differentiated apart from the batch;
   *  null when there is nothing to penalise. */
  penalty?(step: StepContext): tf.Scalar | null;
  /** Rewrite the total gradients before the optimiser step (returned tensors are disposed by the trainer). */
  transformGradients?(grads: Record<string, tf.Tensor>, step: GradientStepContext): Record<string, tf.Tensor>;
  /** After each optimiser step (SI's path integral, ER's reservoir update). */
  afterStep?(step: GradientStepContext): void;
  /** After a task's training: consolidation (Fisher, Ω, pruning). May train (PackNet). */
  afterTask?(task: TaskData, ctx: MethodContext, tools: TaskTools): void | Promise<void>;
  /** The network task `task` is evaluated with (single-task: the copy trained on that task
   *  alone); null = the network as it stands. The method owns and disposes what it returns. */
  evaluationNetwork?(task: TaskData, ctx: MethodContext): Network | null;
  /** At evaluation, the labels [N] (int32) the method predicts for a batch x [N, D] of task `task`,
   *  computed with ctx.net (iCaRL: the nearest mean of exemplars, Rebuffi et al. 2017, Alg. 1);
   *  null = the argmax of the evaluated network's logits. Called inside tf.tidy, once per batch;
   *  not used by `tools.accuracy`, which reads the network's logits. */
  predict?(x: tf.Tensor2D, task: TaskData, ctx: MethodContext): tf.Tensor1D | null;
  /** Numbers for the report (CLNP: units per layer per task). JSON-serialisable. */
  diagnostics?(): Record<string, unknown>;
  /** Everything the rest of the run depends on, for the checkpoint taken after each task (after
   *  afterTask and the evaluation): anchors, importances, owners, memories, the records behind
   *  diagnostics (state.ts: JSON values, typed arrays, tensors). Absent = nothing carries over. */
  saveState?(): StateValue;
  /** Continue from `saveState`'s state on resume, called after `setup` instead of the finished
   *  tasks' hooks; takes ownership of the tensors in `state`. */
  loadState?(state: StateValue, ctx: MethodContext): void;
  /** Free all tensors the method holds. */
  dispose?(): void;
}

/**
 * What pruning methods (CLNP, PackNet) record per task as `diagnostics.pruning.tasks`, for
 * the report's pruning loss (before − after): the task's test accuracy just before pruning
 * and just after consolidation (pruning + fine-tuning/retraining; equals R[t][t]).
 */
export interface PruningRecord { task: number; testAccBeforePruning: number; testAccAfterConsolidation: number }

/** What the trainer lends `afterTask`: evaluation and (re)training with the run's loop. */
export interface TaskTools {
  /** Accuracy of the network on a split with the task's head. */
  accuracy(split: TaskData['validation'], head: number): number;
  /** Train `epochs` more epochs on the task with the run's loop (fine-tuning); await it. */
  train(task: TaskData, epochs: number): Promise<void>;
}

/** A method's static description: metadata, hyper-parameter schema and factory. */
export interface MethodDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  /** Paper the method implements (title, authors, year, arXiv id). */
  paper: string;
  summary: string;
  supports: readonly Incremental[];
  hyperparameters: S;
  create(hp: z.infer<S>): ContinualMethod;
  /** Epochs afterTask trains per task (CLNP fine-tuning, PackNet retraining); 0 when absent.
   *  Under the equal-steps budget they come out of the task's epochs (budget.ts). */
  consolidationEpochs?(hp: z.infer<S>): number;
  /** Samples beyond the training batch that each step passes forward and backward once the
   *  method's memory is filled (ER's replay batch, A-GEM's reference batch); 0 when absent.
   *  The bench compares such a method with naive stepping on as many samples: its cost floor. */
  extraSamplesPerStep?(hp: z.infer<S>, batchSize: number): number;
}

/** Helper keeping the schema's inferred type attached to `create`. */
export function defineMethod<S extends z.ZodType>(def: MethodDefinition<S>): MethodDefinition<S> {
  return def;
}

export type { Param };
