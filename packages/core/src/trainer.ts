/**
 * The one training loop (docs/design.md, "The method interface": the trainer owns the loop). For
 * each task in training order: method.beforeTask → epochs of mini-batch steps → method.afterTask →
 * evaluate every task's test split (validation split for tuning runs) into row t of the
 * accuracy matrix R. Gradient steps are counted per task, training and consolidation apart.
 */
import { tf } from './backend.js';
import { concatSplits, forEachBatch, gather, planEpoch } from './batches.js';
import { needsHost, onDevice, onHost } from './host.js';
import type { ContinualMethod, MethodContext, StepContext, StepPhase, TaskPlan, TaskTools } from './method.js';
import { buildNetwork, type Network, type Param } from './network.js';
import { makeOptimizer } from './optimizer.js';
import type { Rng } from './rng.js';
import { captureRunState, restoreRunState, type RunRecord, type RunStreams } from './run-state.js';
import { classSelection, seenClasses, selectedCrossEntropy } from './seen-classes.js';
import type { StateValue } from './state.js';
import type { NetworkConfig, TrainingConfig } from './schemas/suite.js';
import { headOf, type Scenario, type Split, type TaskData } from './task.js';
import { webgpuSoftmaxCrossEntropy } from './webgpu-cross-entropy.js';
import { deviceGrads, webgpuKernels } from './webgpu-dispatch.js';
import { gatherResident, residentSplit, type ResidentSplit } from './webgpu-gather.js';

export interface Progress { task: number; tasks: number; epoch: number; epochs: number; step: number; steps: number; loss: number }

export interface TrainOptions {
  scenario: Scenario;
  network: NetworkConfig;
  training: TrainingConfig;
  method: ContinualMethod;
  rng: Rng;
  /** Epochs of each task's training phase (default training.epochs; fewer under the equal-steps budget, budget.ts). */
  epochs?: number;
  /** The split R is measured on (default test; tuning runs: validation, so test data never enter a choice). */
  evaluateOn?: 'test' | 'validation';
  onProgress?: (p: Progress) => void;
  /** Called after each task's evaluation (tests check tensor counts here). */
  onTaskEnd?: (task: number, net: Network) => void;
  /** Per-task checkpoints (run-state.ts). `save` gets the run's whole state after each task but the
   *  last (after afterTask and the evaluation; encode it before returning: its tensors live on);
   *  `resume` is such a state to continue from: the tasks it covers are not trained again. */
  checkpoint?: { save?: (state: StateValue, tasksDone: number) => void | Promise<void>; resume?: StateValue };
  /** Called before every step: throws to stop the run at a step boundary (a SIGTERM'd worker). */
  checkStop?: () => void;
}

export interface TrainResult {
  accuracyMatrix: number[][];
  randomInitAccuracy: number[];
  diagnostics: Record<string, unknown>;
  warnings: string[];
  trainSeconds: number;
  samplesTrained: number;
  /** Per task (training order): seconds in the task's training epochs, and in afterTask
   *  (consolidation: Fisher, Ω, pruning search, fine-tuning included). */
  taskSeconds: number[];
  consolidationSeconds: number[];
  /** Per task: optimiser steps in the training epochs, and inside afterTask (fine-tuning, retraining). */
  steps: { train: number[]; consolidation: number[] };
}

export class DivergenceError extends Error {}

/** A checkpoint's state could not be restored into this run (the caller starts the run afresh). */
export class ResumeError extends Error {}

/** A method's labels for a batch at evaluation (ContinualMethod.predict); null = the network's argmax. */
type Predict = (x: tf.Tensor2D) => tf.Tensor1D | null;

/** Number of samples of a batch classified correctly with head `head` (or with `predict`'s labels). */
const correctCount = (net: Network, x: tf.Tensor2D, y: tf.Tensor, head: number, predict?: Predict) =>
  tf.tidy(() => (predict?.(x) ?? net.forward(x, head).logits.argMax(1)).equal(y).sum());

/** Fraction of a split classified correctly with head `head` (reads synchronously). */
export function accuracy(net: Network, split: Split, head: number, batchSize = 1000): number {
  if (split.n === 0) return 0;
  let correct = 0;
  forEachBatch(split, batchSize, (x, y) => {
    const c = correctCount(net, x, y, head);
    correct += c.dataSync()[0];
    c.dispose();
  });
  return correct / split.n;
}

/** `accuracy`, reading asynchronously (works on every backend, webgpu included). */
async function evaluate(net: Network, split: Split, head: number, predict?: Predict, batchSize = 1000): Promise<number> {
  if (split.n === 0) return 0;
  const counts: tf.Tensor[] = [];
  forEachBatch(split, batchSize, (x, y) => { counts.push(correctCount(net, x, y, head, predict)); });
  let correct = 0;
  for (const c of counts) { correct += (await c.data())[0]; c.dispose(); }
  return correct / split.n;
}

export async function trainContinual(opts: TrainOptions): Promise<TrainResult> {
  const { scenario, training, method } = opts;
  const net = buildNetwork(opts.network, scenario.inputShape, scenario.headOutputs, opts.rng);
  const streams: RunStreams = { root: opts.rng, shuffle: opts.rng.fork('shuffle'), method: opts.rng.fork('method') };
  const rec: RunRecord = {
    R: [], randomInitAccuracy: [], taskSeconds: [], consolidationSeconds: [], steps: { train: [], consolidation: [] },
    trainSeconds: 0, samplesTrained: 0, stepsTaken: 0, warnings: [],
  };
  const ctx = {
    net, scenario, training, rng: streams.method, taskId: -1, head: 0, finished: [] as TaskData[],
    warn: (m: string) => { rec.warnings.push(m); },
  } satisfies MethodContext;
  const T = scenario.tasks.length;
  const evaluated = opts.evaluateOn ?? 'test';
  const evalAll = async () => {
    const row: number[] = [];
    for (const t of scenario.tasks) {
      const evaluatedNet = method.evaluationNetwork?.(t, ctx) ?? net;
      const predict = method.predict ? (x: tf.Tensor2D) => method.predict!(x, t, ctx) : undefined;
      row.push(await evaluate(evaluatedNet, t[evaluated], headOf(scenario, t.id), predict));
    }
    return row;
  };
  const device = tf.getBackend();
  // A GPU read waits for the queue to drain: read the losses of several steps at once there.
  const readEvery = needsHost() ? GPU_LOSS_READ_EVERY : 1;
  // One optimiser for the whole run when its state is carried across tasks; else one per task (and per fine-tuning).
  const carried = training.optimizerState === 'carried' ? makeOptimizer(training) : null;
  /** What the method's beforeTask asked for the current task (its data sources, its own parameters). */
  let plan: TaskPlan = {};
  /** Under `seenClassesOnly`: the current task's seen-class columns P (seen-classes.ts); else null. */
  let seen: tf.Tensor2D | null = null;

  /** `epochs` epochs of mini-batch steps on the plan's training sources for `task`. */
  const trainEpochs = async (task: TaskData, epochs: number, phase: StepPhase) => {
    const tasks = plan.trainOn ?? [task];
    // A shared head mixes all sources inside a batch; separate heads take turns batch by batch.
    const sources = scenario.incremental === 'task' || tasks.length === 1
      ? tasks.map((t) => ({ split: t.train, head: headOf(scenario, t.id) }))
      : [{ split: concatSplits(tasks.map((t) => t.train)), head: 0 }];
    const optimizer = carried ?? makeOptimizer(training);
    const methodParams = plan.params ?? [];
    const losses: PendingLoss[] = [];
    const t0 = performance.now();
    // webgpu: each source's rows written to the device once for this phase; a step sends only its indices (webgpu-gather.ts).
    const resident: ResidentSplit[] = [];
    try {
      if (webgpuKernels()) for (const s of sources) resident.push(residentSplit(s.split));
      /** The batch of rows `idx` of source `source` as tensors. */
      const rows: BatchRows = resident.length
        ? (source, idx) => gatherResident(resident[source], idx)
        : (source, idx) => gather(sources[source].split, idx);
      for (let epoch = 0; epoch < epochs; epoch++) {
        const batches = planEpoch(sources.map((s) => s.split.n), training.batchSize, streams.shuffle);
        for (const [step, { source, idx }] of batches.entries()) {
          const { split, head } = sources[source];
          opts.checkStop?.();
          const context: StepContext = { ...ctx, phase, position: { epoch, step, steps: batches.length }, samples: { split, idx, head } };
          losses.push({ loss: trainStep(method, context, () => rows(source, idx), optimizer, methodParams, scenario.headOutputs[head], seen), step, samples: idx.length });
          rec.stepsTaken++;
          if (losses.length === readEvery || step === batches.length - 1) {
            for (const { loss, step, samples } of await readLosses(losses)) {
              if (!Number.isFinite(loss)) throw new DivergenceError(`loss is ${loss} at task ${task.id}, epoch ${epoch}, step ${step}`);
              rec.samplesTrained += samples;
              opts.onProgress?.({ task: task.id, tasks: T, epoch, epochs, step, steps: batches.length, loss });
            }
          }
        }
      }
    } finally {
      for (const r of resident) r.dispose();
      tf.dispose(losses.splice(0).map((l) => l.loss));
      if (optimizer !== carried) optimizer.dispose();
      rec.trainSeconds += (performance.now() - t0) / 1000;
    }
  };
  // Method hooks read tensors synchronously: on webgpu they run on the host backend (host.ts).
  const tools: TaskTools = { accuracy: (split, head) => accuracy(net, split, head), train: (task, epochs) => onDevice(device, () => trainEpochs(task, epochs, 'consolidation')) };
  const parts = { net, streams, optimizer: carried, method };

  try {
    const resume = opts.checkpoint?.resume;
    if (!resume) rec.randomInitAccuracy = await evalAll();
    await onHost(() => method.setup?.(ctx));
    if (resume) {
      try { Object.assign(rec, await onHost(() => restoreRunState(resume, parts, ctx))); } // the tasks it covers are done
      catch (e) { throw new ResumeError(`its state does not fit this run (${(e as Error).message})`); }
    }
    ctx.finished.push(...scenario.tasks.slice(0, rec.R.length));
    for (const task of scenario.tasks.slice(rec.R.length)) {
      ctx.taskId = task.id; ctx.head = headOf(scenario, task.id);
      plan = (await onHost(() => method.beforeTask?.(task, ctx))) ?? {};
      seen = scenario.seenClassesOnly ? classSelection(seenClasses([...ctx.finished, task, ...(plan.trainOn ?? [])]), scenario.headOutputs[0]) : null;
      const t0 = rec.trainSeconds, s0 = rec.stepsTaken;
      await trainEpochs(task, opts.epochs ?? training.epochs, 'training');
      rec.taskSeconds.push(rec.trainSeconds - t0);
      const t1 = performance.now(), s1 = rec.stepsTaken;
      await onHost(() => method.afterTask?.(task, ctx, tools));
      seen?.dispose(); seen = null;                                  // its training (fine-tuning included) is over
      rec.consolidationSeconds.push((performance.now() - t1) / 1000);
      rec.steps.train.push(s1 - s0);
      rec.steps.consolidation.push(rec.stepsTaken - s1);
      ctx.finished.push(task);
      rec.R.push(await evalAll());
      if (opts.onTaskEnd) await onHost(() => opts.onTaskEnd!(task.id, net));
      const save = opts.checkpoint?.save;
      if (save && rec.R.length < T) await onHost(() => save(captureRunState(rec, parts), rec.R.length));
    }
    const diagnostics = await onHost(() => method.diagnostics?.() ?? {});
    return {
      accuracyMatrix: rec.R, randomInitAccuracy: rec.randomInitAccuracy, diagnostics, warnings: rec.warnings, trainSeconds: rec.trainSeconds,
      samplesTrained: rec.samplesTrained, taskSeconds: rec.taskSeconds, consolidationSeconds: rec.consolidationSeconds, steps: rec.steps,
    };
  } finally {
    carried?.dispose();
    seen?.dispose();
    method.dispose?.();
    net.dispose();
  }
}

/** Steps whose losses a GPU run reads in one download (the values and the training are the same either way). */
const GPU_LOSS_READ_EVERY = 32;

interface PendingLoss { loss: tf.Scalar; step: number; samples: number }

/** A training step's batch: rows `idx` of source `source` as x [B, D] and int32 labels y [B]. */
type BatchRows = (source: number, idx: Int32Array) => { x: tf.Tensor2D; y: tf.Tensor1D };

/** Download the pending steps' losses in one read, dispose them and empty `pending`. */
async function readLosses(pending: PendingLoss[]): Promise<{ loss: number; step: number; samples: number }[]> {
  const all = tf.stack(pending.map((p) => p.loss));
  const values = await all.data();
  all.dispose();
  return pending.splice(0).map((p, i) => { p.loss.dispose(); return { loss: values[i], step: p.step, samples: p.samples }; });
}

/** One optimiser step; returns the task loss (the caller reads and disposes it). Every other tensor made here is freed here.
 *  `seen`: the seen-class columns the cross-entropy is restricted to (seen-classes.ts); null = every output. */
function trainStep(method: ContinualMethod, step: StepContext, batch: () => { x: tf.Tensor2D; y: tf.Tensor1D },
  optimizer: ReturnType<typeof makeOptimizer>, methodParams: readonly Param[], outputs: number, seen: tf.Tensor2D | null): tf.Scalar {
  const { net } = step, { head } = step.samples;
  const params = [...net.taskParams(head), ...methodParams];
  const vars = params.map((p) => p.variable);
  // webgpu: the batch gathered from the rows resident on the device, the loss in two programs and
  // the seed gradient already on the device (webgpu-*.ts); elsewhere tfjs ops.
  const gpu = webgpuKernels();
  return tf.tidy(() => {
    const { x, y } = batch();
    // The data term: the method's own (taskLoss, e.g. iCaRL's BCE) or the cross-entropy, over the seen
    // classes only when the scenario says so, else over every output (on webgpu as two kernels).
    const objective = (): tf.Scalar => {
      const gates = method.unitGates?.(step) ?? undefined;
      const { logits, activations, features } = net.forward(x, head, true, undefined, gates);
      const batch = { x, y, head, logits, features, activations };
      const loss = method.taskLoss?.(batch, step)
        ?? (seen ? selectedCrossEntropy(logits, y, seen)
          : gpu ? webgpuSoftmaxCrossEntropy(logits, y) : tf.losses.softmaxCrossEntropy(tf.oneHot(y, outputs), logits) as tf.Scalar);
      const extra = method.batchLoss?.(batch, step);
      return extra ? loss.add(extra) as tf.Scalar : loss;
    };
    const task = gpu ? deviceGrads(objective, vars) : tf.variableGrads(objective, vars);
    const taskGrads = byParam(params, task.grads);
    let grads = taskGrads;
    if (method.penalty) {
      const pen = penaltyGrads(method, step, params);
      if (pen) grads = Object.fromEntries(Object.entries(taskGrads).map(([k, g]) => [k, pen[k] ? g.add(pen[k]) : g]));
    }
    const withGrads = { ...step, taskGrads };
    if (method.transformGradients) grads = method.transformGradients(grads, withGrads);
    optimizer.step(params, grads, net.trainable);
    method.afterStep?.(withGrads);
    return task.value;
  });
}

/** Gradients of method.penalty (θ only), or null when the method has nothing to penalise yet. */
function penaltyGrads(method: ContinualMethod, step: StepContext, params: Param[]): Record<string, tf.Tensor> | null {
  let none = false;
  const { grads } = tf.variableGrads(() => {
    const p = method.penalty!(step);
    if (p) return p;
    none = true; // variableGrads needs a loss connected to a variable: give it 0·Σθ₀ and discard the result
    return params[0].variable.sum().mul(0) as tf.Scalar;
  }, params.map((p) => p.variable));
  return none ? null : byParam(params, grads);
}

function byParam(params: Param[], grads: tf.NamedTensorMap): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const p of params) if (grads[p.variable.name]) out[p.name] = grads[p.variable.name];
  return out;
}
