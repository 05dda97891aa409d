/**
 * Typed, checked access to CLNP's per-task diagnostics in a run's `diagnostics` record
 * (`diagnostics.clnp.tasks`, written by @clbench/method-clnp). The record is
 * `Record<string, unknown>` to the trainer, so its shape is validated here at run time
 * rather than cast, against CLNP's own type (re-exported by the registry).
 */
import type { ClnpTaskDiagnostics } from '@clbench/methods';

export type ClnpTaskDiagnosticsShape = ClnpTaskDiagnostics;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNumber = (x: unknown): x is number => typeof x === 'number';
const isNumbers = (x: unknown): x is number[] => Array.isArray(x) && x.every(isNumber);
const hasNumbers = (o: Record<string, unknown>, keys: readonly string[]) => keys.every((k) => isNumber(o[k]));

const TASK_NUMBERS = ['task', 'searchSeconds', 'searchEvaluations', 'valAccUnpruned', 'valAccPruned', 'valAccFinal', 'testAccUnpruned', 'reuseSeconds', 'reuseEvaluations'] as const;
const LAYER_NUMBERS = ['layer', 'units', 'free', 'active', 'reused'] as const;

/** Whether `x` is one task's CLNP diagnostics. */
export function isClnpTaskDiagnostics(x: unknown): x is ClnpTaskDiagnosticsShape {
  return isObject(x) && hasNumbers(x, TASK_NUMBERS) && isNumbers(x.thresholds) && isNumbers(x.fullLayers)
    && Array.isArray(x.layers) && x.layers.every((l) => isObject(l) && hasNumbers(l, LAYER_NUMBERS));
}

/**
 * CLNP's per-task diagnostics from a run's diagnostics record: undefined when the run has
 * none (the method is not CLNP); an error when `diagnostics.clnp` is there but not CLNP's shape.
 */
export function clnpTaskDiagnostics(diagnostics: Readonly<Record<string, unknown>>): ClnpTaskDiagnosticsShape[] | undefined {
  const clnp = diagnostics.clnp;
  if (clnp === undefined) return undefined;
  if (!isObject(clnp) || !Array.isArray(clnp.tasks)) throw new Error('diagnostics.clnp: expected an object with a "tasks" array');
  const tasks: unknown[] = clnp.tasks;
  const checked = tasks.filter(isClnpTaskDiagnostics);
  if (checked.length < tasks.length) {
    const bad = tasks.findIndex((t) => !isClnpTaskDiagnostics(t));
    throw new Error(`diagnostics.clnp.tasks[${bad}]: not CLNP's per-task diagnostics (${JSON.stringify(tasks[bad])})`);
  }
  return checked;
}
