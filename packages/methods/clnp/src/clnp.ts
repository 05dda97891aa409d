/**
 * CLNP — Continual Learning via Neural Pruning.
 * Golkar, Kagan & Cho 2019, arXiv 1903.04476 (no reference code was released).
 *
 * Per task t, in the paper's order (§3):
 *  1. train with an L1 sparsity term (on hidden activations, α·Σ_u mean|a_u| over free units,
 *     or on weights, α·Σ|W| over trainable weights) plus weight decay; only free units,
 *     their incoming weights (also from earlier tasks' units: feature reuse) and t's head train;
 *  2. prune free units whose mean validation activity is below θ (prune.ts);
 *  3. graceful forgetting: θ = the largest grid value keeping validation accuracy within m
 *     of the unpruned network; optional short fine-tuning of the pruned network;
 *  4. sever: weights from still-free units into active units are zeroed for good (units.ts);
 *  5. freeze everything feeding the active units of tasks ≤ t (update masks);
 *  6. record diagnostics; before task t+1 the free units are re-initialised.
 * Guarantee (tested bit for bit): later tasks never change an earlier task's logits.
 * Task-incremental only: a shared head would be retrained by later tasks.
 */
import { defineMethod, records, stateReader, tf, type ContinualMethod, type MethodContext, type PruningRecord, type StateValue, type StepContext, type TapeBatch } from '@clbench/core';
import { z } from 'zod';
import { chooseThresholds, keepMasks, meanActivity, PRUNE_ALL, withUnitMasks } from './prune.js';
import { capacityForecastWarning, forecastCapacity, type LayerCapacity } from './capacity.js';
import { reusedByEffect } from './reuse.js';
import { reusedMass } from './reuse-mass.js';
import { capacityWarning, FREE, headFineTuneMask, reinitFreeUnits, setTrainableMasks, severFreeToActive, UnitOwners } from './units.js';

/**
 * Default α per sparsity mode. Both terms are stated per element, so one α presses on a unit
 * (or a weight) the same at any width: the activation term sums over free units (mean over
 * samples), the weight term over trainable weights. The activations default, 4e-4, is the
 * per-unit strength of code version 0.5.0's default at 2×256 (0.2 on a mean over 2 layers ×
 * 256 units: 0.2/512 ≈ 3.9e-4), set then on 2-class split MNIST; code versions up to 0.5.0
 * divided by layers × units, so their α were 2·256 (or 2·400, 2·2000) times larger for the same
 * pressure. The weights default was set on validation accuracy of the tiny CI split-MNIST suite
 * with seed 100 (not a reported seed).
 */
export const DEFAULT_ALPHA = { activations: 4e-4, weights: 1e-4 } as const;

const hyperparameters = z.strictObject({
  sparsity: z.enum(['activations', 'weights']).default('activations').describe('L1 target: hidden activations (α·Σ_units mean_samples |a| over free units: per unit, the same pressure at any width) or weights (α·Σ|W| over trainable weights)'),
  alpha: z.number().min(0).optional().describe(`L1 strength α; default per sparsity mode: ${DEFAULT_ALPHA.activations} for activations (per unit; code versions ≤ 0.5.0 took a mean over layers × units, so their α = this α × layers × units), ${DEFAULT_ALPHA.weights} for weights`),
  weightDecay: z.number().min(0).default(0).describe('L2 weight decay (λ/2·Σθ² over trainable hidden weights), added to the loss'),
  margin: z.number().min(0).max(1).default(0.01).describe('graceful forgetting margin m: validation accuracy may drop by at most m (fraction; 0.01 = 1 point)'),
  thresholds: z.array(z.number().min(0)).min(1).default([0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, PRUNE_ALL]).describe(`threshold grid θ, relative to the most active candidate unit of each layer; any θ > 1 (default grid: ${PRUNE_ALL}) prunes every candidate of the layer, so a task may add no unit to a layer and read only earlier tasks' units there`),
  thresholdSearch: z.enum(['per-layer', 'global']).default('per-layer').describe('one θ for all layers (global), or the largest θ per layer by coordinate ascent (per-layer)'),
  fineTuneEpochs: z.number().int().min(0).default(1).describe('epochs of fine-tuning the pruned network before freezing it (without the L1 term)'),
  reuseTolerance: z.number().min(0).max(1).default(0.005).describe('an earlier unit is reused by a task when cutting its weights into the task\'s units (or head) lowers the task\'s validation accuracy by more than this (fraction)'),
}).transform((hp) => ({ ...hp, alpha: hp.alpha ?? DEFAULT_ALPHA[hp.sparsity] }));
type Hp = z.infer<typeof hyperparameters>;

export interface ClnpTaskDiagnostics {
  task: number;
  thresholds: number[];    // chosen θ per hidden layer
  searchSeconds: number;   // activity measurement + threshold search
  searchEvaluations: number;
  valAccUnpruned: number;
  valAccPruned: number;
  valAccFinal: number;
  /** test accuracy of the task just before pruning; after consolidation it is R[t][t] (recorded in diagnostics.pruning) */
  testAccUnpruned: number;
  /** hidden layers with no free unit when the task started (capacity exhausted there) */
  fullLayers: number[];
  reuseSeconds: number;
  reuseEvaluations: number;
  /** reused: earlier units whose ablation costs the task accuracy (reuse.ts); reusedMass: share of the |W| reading the layer for the task that comes from earlier units (reuse-mass.ts; absent in runs before 0.6.0) */
  layers: { layer: number; units: number; free: number; active: number; reused: number; reusedMass?: number | null }[];
  /** Step 6's forecast per layer: units free, taken, and how many more tasks of this size fit (capacity.ts; absent in runs before it). */
  capacity?: LayerCapacity[];
}

/** The method plus read access to its unit owners (for tests and tools). */
export type Clnp = ContinualMethod & { readonly owners: UnitOwners };

function create(hp: Hp): Clnp {
  let owners: UnitOwners;
  const tasks: ClnpTaskDiagnostics[] = [];
  const pruning: PruningRecord[] = [];
  let freeColumns: tf.Tensor2D[] = []; // per layer [units, 1]: 1 for free units (L1 on activations touches only them)
  // The L1 term shapes what pruning keeps, so it acts in the task's training steps only: fine-tuning
  // (phase 'consolidation', after pruning, units chosen) trains only to recover accuracy, and L1 there
  // would only pull the kept units' activity down again and cost accuracy that nothing is traded for.
  // Weight decay, a regulariser of training itself, stays on in both phases.
  const sparsityOn = (step: StepContext) => step.phase === 'training';
  let fullLayers: number[] = [];
  let forecastWarned = false; // the forecast's warning is given once per run

  const refreshFreeColumns = (ctx: MethodContext) => {
    freeColumns.forEach((m) => m.dispose());
    freeColumns = ctx.net.layers.map((_, i) => tf.keep(tf.tensor2d(Float32Array.from(owners.owner[i], (o) => (o === FREE ? 1 : 0)), [owners.owner[i].length, 1])));
  };

  return {
    get owners() { return owners; },

    setup(ctx) { owners = new UnitOwners(ctx.net); },

    beforeTask(task, ctx) {
      if (task.id > 0) reinitFreeUnits(ctx.net, owners, ctx.rng);
      fullLayers = ctx.net.layers.map((_, i) => i).filter((i) => owners.free(i) === 0);
      if (fullLayers.length) ctx.warn(capacityWarning(ctx.net, fullLayers, task.id));
      // Update masks need no refresh here: afterTask (step 5) left them set for the free units,
      // and before the first task every unit is free (no mask).
      refreshFreeColumns(ctx);
    },

    // Step 1: L1 sparsity on the activations of free units (§3), in the task's training steps.
    batchLoss: hp.sparsity === 'activations' && hp.alpha > 0
      ? (batch: TapeBatch, step: StepContext) => (sparsityOn(step) ? activityL1(batch.activations, freeColumns, hp.alpha) : null)
      : undefined,

    // Step 1: L1 on weights (the alternative reading) and weight decay, on trainable hidden weights.
    penalty: (hp.sparsity === 'weights' && hp.alpha > 0) || hp.weightDecay > 0
      ? (step: StepContext) => {
        const l1 = hp.sparsity === 'weights' && hp.alpha > 0 && sparsityOn(step);
        if (!l1 && hp.weightDecay === 0) return null; // fine-tuning without weight decay: nothing to add
        let total: tf.Scalar | null = null;
        for (const layer of step.net.layers) {
          const mask = step.net.trainable.get(`${layer.name}.W`);
          const W = mask ? layer.W.mul(mask) : layer.W;
          let term = tf.scalar(0);
          if (l1) term = term.add(W.abs().sum().mul(hp.alpha));
          if (hp.weightDecay > 0) term = term.add(W.square().sum().mul(hp.weightDecay / 2));
          total = total ? total.add(term) : (term as tf.Scalar);
        }
        return total;
      }
      : undefined,

    async afterTask(task, ctx, tools) {
      const net = ctx.net, head = ctx.head, val = task.validation;
      // Recorded for the report's pruning loss only (test data never enter a choice here).
      const testAccUnpruned = tools.accuracy(task.test, head);
      const candidate = (l: number, u: number) => owners.owner[l][u] === FREE;
      // Steps 2–3: activity, then the largest admissible threshold (graceful forgetting).
      const t0 = performance.now();
      const activity = meanActivity(net, val, head);
      const valAccUnpruned = tools.accuracy(val, head);
      const choice = chooseThresholds(hp.thresholds, net.layers.length,
        (thetas) => withUnitMasks(net, keepMasks(activity, candidate, thetas), () => tools.accuracy(val, head)),
        valAccUnpruned, hp.margin, hp.thresholdSearch,
        (l, theta) => { const k = keepMasks([activity[l]], (_, u) => candidate(l, u), [theta])[0]; let kept = 0, all = 0; k.forEach((v, u) => { if (candidate(l, u)) { all++; kept += v; } }); return all ? kept / all : 0; });
      const searchSeconds = (performance.now() - t0) / 1000;
      const keep = keepMasks(activity, candidate, choice.thetas);
      keep.forEach((k, l) => k.forEach((kept, u) => { if (kept && candidate(l, u)) owners.owner[l][u] = task.id; }));
      // Step 4: sever free → active (and free → this task's head).
      severFreeToActive(net, owners, head);
      if (hp.fineTuneEpochs > 0) {
        setTrainableMasks(net, owners, task.id);
        net.setTrainable(`head${head}.W`, headFineTuneMask(net, owners, head));
        await tools.train(task, hp.fineTuneEpochs);
        net.trainable.get(`head${head}.W`)?.dispose();
        net.trainable.delete(`head${head}.W`);
      }
      // Step 5: freeze tasks ≤ t; the next task trains free units only.
      setTrainableMasks(net, owners, 'free');
      const t1 = performance.now();
      const reuse = reusedByEffect(net, owners, task.id, head, val, hp.reuseTolerance);
      const mass = reusedMass(net, owners, task.id, head);
      // Step 6: the capacity forecast, and one warning per run when the suite's remaining tasks may not fit.
      const capacity = forecastCapacity(owners.owner, task.id, ctx.finished.length + 1);
      const warning = capacityForecastWarning(capacity, task.id, ctx.scenario.tasks.length - ctx.finished.length - 1);
      if (warning && !forecastWarned) { forecastWarned = true; ctx.warn(warning); }
      tasks.push({
        task: task.id, thresholds: choice.thetas, searchSeconds, searchEvaluations: choice.evaluations, valAccUnpruned, valAccPruned: choice.accuracy,
        valAccFinal: hp.fineTuneEpochs > 0 ? tools.accuracy(val, head) : choice.accuracy,
        testAccUnpruned, fullLayers, reuseSeconds: (performance.now() - t1) / 1000, reuseEvaluations: reuse.evaluations,
        layers: net.layers.map((l, i) => ({ layer: i, units: l.units, free: owners.free(i), active: owners.activeFor(i, task.id), reused: reuse.reused[i], reusedMass: mass[i] })),
        capacity,
      });
      pruning.push({ task: task.id, testAccBeforePruning: testAccUnpruned, testAccAfterConsolidation: tools.accuracy(task.test, head) });
    },

    // `layers` is the flat shape reports read (packages/report/src/clnp-units.ts); `tasks` adds θ and accuracies.
    diagnostics: () => ({
      pruning: { tasks: pruning },
      clnp: { settings: hp, tasks, layers: tasks.flatMap((t) => t.layers.map((l) => ({ task: t.task, layer: l.layer, free: l.free, active: l.active, reused: l.reused, reusedMass: l.reusedMass ?? null }))) },
    }),

    // Owners and the per-task records carry over; free columns and full layers are set again by beforeTask.
    saveState: () => ({ owners: owners.owner, tasks: records(tasks), pruning: records(pruning), forecastWarned }),

    loadState(state: StateValue) {
      const s = stateReader.object(state, 'clnp');
      stateReader.array(s.owners, 'clnp.owners').forEach((o, l) => {
        if (!(o instanceof Int32Array) || o.length !== owners.owner[l]?.length) throw new Error(`state clnp.owners[${l}]: expected ${owners.owner[l]?.length} owners`);
        owners.owner[l].set(o);
      });
      tasks.splice(0, tasks.length, ...stateReader.json<ClnpTaskDiagnostics[]>(s.tasks, 'clnp.tasks'));
      pruning.splice(0, pruning.length, ...stateReader.json<PruningRecord[]>(s.pruning, 'clnp.pruning'));
      forecastWarned = s.forecastWarned === true;
    },

    dispose() { freeColumns.forEach((m) => m.dispose()); freeColumns = []; },
  };
}

/**
 * Step 1's L1 term on activations (§3, the paper's α‖a‖₁ per sample): α · Σ_l Σ_u m_u · mean_n |a_{l,n,u}|
 * over the hidden layers l, m_u = 1 for free units. Per unit, not per layer mean: ∂/∂a_{l,n,u} = α/N
 * at every width and depth, so one α means the same sparsity pressure at 2×256, 2×400 or 2×2000
 * (code versions ≤ 0.5.0 divided by layers × units). ReLU outputs are ≥ 0, so |a| = a, and Σ_u a·m_u
 * is one matMul with the free-unit column `free[l]` [units, 1]; conv activations [N, h, w, filters]
 * count every position as a sample (mean over N·positions).
 */
export function activityL1(activations: tf.Tensor[], free: tf.Tensor2D[], alpha: number): tf.Scalar {
  const perLayer = activations.map((a, l) => {
    const units = a.shape[a.rank - 1]!;
    return tf.matMul(a.reshape([-1, units]) as tf.Tensor2D, free[l]).mean(); // [N·positions, 1] → mean_n Σ_u a·m_u
  });
  return perLayer.reduce((sum, term) => sum.add(term)).mul(alpha) as tf.Scalar;
}

export const clnp = defineMethod({
  name: 'clnp',
  paper: 'Golkar, Kagan & Cho 2019, "Continual Learning via Neural Pruning", arXiv 1903.04476',
  summary: 'activity-based pruning of units per task, graceful forgetting, severed and frozen old units (zero forgetting)',
  supports: ['task'],
  hyperparameters,
  create,
  consolidationEpochs: (hp) => hp.fineTuneEpochs,
});
