/**
 * Hand-written CLNP run records for the capacity, reuse and sweep tests: diagnostics.clnp.tasks
 * as packages/methods/clnp/src/clnp.ts writes them (code version 0.6.0 with `capacity`, plus the
 * weight-mass share `reusedMass`), and as older code versions wrote them (neither). Every number
 * is written out; the tests derive what the report should show from these by hand.
 */
import type { OkRun } from '@clbench/core';
import { matrix, okRun } from './runs.fixtures.js';

type Layer = { layer: number; units: number; free: number; active: number; reused: number; reusedMass?: number | null };
type Capacity = { layer: number; units: number; free: number; taken: number; meanTaken: number; tasksThatFit: number | null };

function taskRecord(task: number, layers: Layer[], capacity?: Capacity[], acc = { unpruned: 0.95, final: 0.94 }) {
  return {
    task, thresholds: layers.map(() => 0.1), searchSeconds: 0.1, searchEvaluations: 5,
    valAccUnpruned: acc.unpruned, valAccPruned: acc.final - 0.01, valAccFinal: acc.final, testAccUnpruned: acc.unpruned - 0.01,
    fullLayers: [], reuseSeconds: 0.1, reuseEvaluations: 3, layers, ...(capacity ? { capacity } : {}),
  };
}

/** diagnostics of a run from its task records: `tasks` and the flat `layers` beside them, as clnp.ts writes both. */
function diagnostics(tasks: ReturnType<typeof taskRecord>[]) {
  const layers = tasks.flatMap((t) => t.layers.map(({ units: _, ...l }) => ({ task: t.task, ...l })));
  return { clnp: { settings: {}, tasks, layers } };
}

const L = (layer: number, free: number, active: number, reused: number, reusedMass?: number | null): Layer =>
  ({ layer, units: 10, free, active, reused, ...(reusedMass === undefined ? {} : { reusedMass }) });
const C = (layer: number, free: number, taken: number, meanTaken: number, tasksThatFit: number | null): Capacity =>
  ({ layer, units: 10, free, taken, meanTaken, tasksThatFit });

/**
 * Run A (seed 0), 3 tasks, 2 hidden layers of 10 units.
 *   layer 0 takes 4, 3, 2 → free 6, 3, 1; mean taken 4, 3.5, 3 → fit floor(6/4) = 1, floor(3/3.5) = 0, floor(1/3) = 0
 *   layer 1 takes 5, 0, 1 → free 5, 5, 4; mean taken 5, 2.5, 2 → fit 1, 2, 2
 *   reuse (tasks 1, 2): layer 0 reused 2, 1, mass 0.5, 0.25; layer 1 reused 1, 3, mass null (task 1 took no unit there), 0.75
 */
export const runA = (suite = 'cap') => okRun({
  suite, method: 'clnp', label: 'clnp', seed: 0, R: matrix(3, 0.95, 0.01), setting: { hyperparameters: { alpha: 4e-4 } },
  diagnostics: diagnostics([
    taskRecord(0, [L(0, 6, 4, 0), L(1, 5, 5, 0)], [C(0, 6, 4, 4, 1), C(1, 5, 5, 5, 1)]),
    taskRecord(1, [L(0, 3, 3, 2, 0.5), L(1, 5, 0, 1, null)], [C(0, 3, 3, 3.5, 0), C(1, 5, 0, 2.5, 2)]),
    taskRecord(2, [L(0, 1, 2, 1, 0.25), L(1, 4, 1, 3, 0.75)], [C(0, 1, 2, 3, 0), C(1, 4, 1, 2, 2)]),
  ]),
});

/**
 * Run B (seed 1): layer 0 takes 2, 2, 2 → free 8, 6, 4; mean taken 2 → fit 4, 3, 2.
 *   layer 1 takes none → free 10, 10, 10; mean taken 0 → no forecast (null)
 *   reuse: layer 0 reused 0, 4, mass 0.1, 0.45; layer 1 reused 0, 0, mass null (it has no units of the task)
 */
export const runB = (suite = 'cap') => okRun({
  suite, method: 'clnp', label: 'clnp', seed: 1, R: matrix(3, 0.93, 0.02), setting: { hyperparameters: { alpha: 4e-4 } },
  diagnostics: diagnostics([
    taskRecord(0, [L(0, 8, 2, 0), L(1, 10, 0, 0)], [C(0, 8, 2, 2, 4), C(1, 10, 0, 0, null)]),
    taskRecord(1, [L(0, 6, 2, 0, 0.1), L(1, 10, 0, 0, null)], [C(0, 6, 2, 2, 3), C(1, 10, 0, 0, null)]),
    taskRecord(2, [L(0, 4, 2, 4, 0.45), L(1, 10, 0, 0, null)], [C(0, 4, 2, 2, 2), C(1, 10, 0, 0, null)]),
  ]),
});

/** A record of code version ≤ 0.5.0 (seed 2): no capacity, no reusedMass. Layer 0 reused 6 at task 1. */
export const oldRun = (suite = 'cap', seed = 2) => okRun({
  suite, method: 'clnp', label: 'clnp', seed, R: matrix(3, 0.9, 0.03), setting: { hyperparameters: { alpha: 4e-4 } },
  diagnostics: diagnostics([
    taskRecord(0, [L(0, 5, 5, 0), L(1, 5, 5, 0)]),
    taskRecord(1, [L(0, 2, 3, 6), L(1, 1, 4, 0)]),
    taskRecord(2, [L(0, 0, 2, 1), L(1, 0, 1, 2)]),
  ]),
});

/**
 * One sweep point: a one-task run of `label[alpha=…]` (runner/grid.ts's label) that kept `kept`
 * units per layer (of 10), with validation accuracy before pruning / after fine-tuning and test R[0][0].
 */
export function sweepRun(o: { label: string; sparsity: string; epochs: number; alpha: number; seed?: number; kept: number[]; unpruned: number; final: number; test: number; suite?: string }): OkRun {
  const layers = o.kept.map((k, l) => L(l, 10 - k, k, 0));
  return okRun({
    suite: o.suite ?? 'sweep', method: 'clnp', label: `${o.label}[alpha=${JSON.stringify(o.alpha)}]`, seed: o.seed ?? 100, R: [[o.test]],
    setting: { hyperparameters: { sparsity: o.sparsity, alpha: o.alpha }, training: { epochs: o.epochs } },
    diagnostics: diagnostics([taskRecord(0, layers, undefined, { unpruned: o.unpruned, final: o.final })]),
  });
}
