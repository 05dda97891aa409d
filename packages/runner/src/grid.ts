/**
 * Hyper-parameter grids: in a suite, `"hyperparameters": { "lambda": [1, 10, 100] }` for a
 * method whose `lambda` is a number means one method entry per value. When several fields
 * hold lists, the entries are their cartesian product (first field varies slowest). A
 * field whose schema itself takes a list (e.g. a threshold search grid) is left alone: the
 * grid is only expanded when the hyper-parameters as written are not valid.
 */
import type { MethodEntry } from '@clbench/core';

/** Every combination of the list-valued fields of `hp` (scalars stay as they are). */
export function gridPoints(hp: Record<string, unknown>): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}];
  for (const [k, v] of Object.entries(hp)) {
    const values = Array.isArray(v) ? v : [v];
    if (values.length === 0) throw new Error(`hyperparameters.${k}: an empty list gives no runs`);
    points = points.flatMap((p) => values.map((x) => ({ ...p, [k]: x })));
  }
  return points;
}

/**
 * The method entries a suite entry stands for. `resolve` validates hyper-parameters
 * (throws naming the field); the entry as written is tried first.
 */
export function expandMethodEntry(m: MethodEntry, resolve: (hp: Record<string, unknown>) => Record<string, unknown>): MethodEntry[] {
  let firstError: unknown;
  try { return [{ ...m, hyperparameters: resolve(m.hyperparameters) }]; } catch (e) { firstError = e; }
  const listKeys = Object.keys(m.hyperparameters).filter((k) => Array.isArray(m.hyperparameters[k]));
  if (listKeys.length === 0) throw firstError;
  const base = m.label ?? m.name;
  return gridPoints(m.hyperparameters).map((hp) => ({
    ...m,
    label: `${base}[${listKeys.map((k) => `${k}=${JSON.stringify(hp[k])}`).join(',')}]`,
    hyperparameters: resolve(hp),
  }));
}
