/**
 * The one interface every continual-learning method implements (DESIGN.md, "The method
 * interface"). Hooks are optional and *return* values; the trainer owns the loop, the
 * optimiser, batching, evaluation and all counters. A method never steps the optimiser.
 *
 * Order in a run:  setup → for each task: beforeTask → [per step: activityPenalty (in the
 * tape), penalty (θ only), transformGradients, optimiser step, afterStep] → afterTask →
 * evaluation;  diagnostics at the end.
 */
import type { z } from 'zod';
import type { tf } from './backend.js';
import type { Network, Param } from './network.js';
import type { Rng } from './rng.js';
import type { TrainingConfig } from './schemas/suite.js';
import type { Incremental, Scenario, TaskData } from './task.js';

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

export interface StepContext extends MethodContext {
  /** Gradients of the task loss (cross-entropy + activity penalty), *without* `penalty`. */
  readonly taskGrads: Readonly<Record<string, tf.Tensor>>;
}

export interface ContinualMethod {
  /** Called once before the first task. */
  setup?(ctx: MethodContext): void;
  /** Called before training a task (e.g. CLNP re-initialises free units). */
  beforeTask?(task: TaskData, ctx: MethodContext): void;
  /** Which tasks' training data to train on for this task (joint: all seen so far). */
  trainingTasks?(task: TaskData, ctx: MethodContext): TaskData[];
  /** Loss term on the hidden activations of the batch, inside the gradient tape (CLNP's L1). */
  activityPenalty?(activations: tf.Tensor[], ctx: MethodContext): tf.Scalar;
  /** Loss term on the parameters (EWC, SI, MAS, L2); null when there is nothing to penalise. */
  penalty?(ctx: MethodContext): tf.Scalar | null;
  /** Rewrite the total gradients before the optimiser step (returned tensors are disposed by the trainer). */
  transformGradients?(grads: Record<string, tf.Tensor>, ctx: MethodContext): Record<string, tf.Tensor>;
  /** After each optimiser step (SI's path integral). */
  afterStep?(ctx: StepContext): void;
  /** After a task's training: consolidation (Fisher, Ω, pruning). May train (PackNet). */
  afterTask?(task: TaskData, ctx: MethodContext, tools: TaskTools): void | Promise<void>;
  /** Numbers for the report (CLNP: units per layer per task). JSON-serialisable. */
  diagnostics?(): Record<string, unknown>;
  /** Free all tensors the method holds. */
  dispose?(): void;
}

/** What the trainer lends `afterTask`: evaluation and (re)training with the run's loop. */
export interface TaskTools {
  /** Accuracy of the network on a split with the task's head. */
  accuracy(split: TaskData['validation'], head: number): number;
  /** Train `epochs` more epochs on the task with the run's loop (fine-tuning). */
  train(task: TaskData, epochs: number): void;
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
}

/** Helper keeping the schema's inferred type attached to `create`. */
export function defineMethod<S extends z.ZodType>(def: MethodDefinition<S>): MethodDefinition<S> {
  return def;
}

export type { Param };
