/**
 * CLNP's per-task records, read from a run's `diagnostics.clnp.tasks` (written by
 * packages/methods/clnp/src/clnp.ts, type ClnpTaskDiagnostics; the report reads the fields it
 * shows and checks only those):
 *
 *   task            0-based position in the training order
 *   valAccUnpruned  validation accuracy of the task just before pruning
 *   valAccFinal     validation accuracy after pruning and fine-tuning
 *   layers[]        per hidden layer: { layer, free, active, reused, reusedMass? }
 *     reusedMass    share of the |weight| mass reading the layer for this task (into the task's own
 *                   units of the next layer, or its head after the last hidden layer) that comes
 *                   from earlier tasks' units; null where nothing reads it; absent in records
 *                   before it was measured (then "not measured", never 0)
 *   capacity[]      the forecast after the task (capacity.ts, absent before code version 0.6.0):
 *                   { layer, units, free, taken, meanTaken, tasksThatFit (null: tasks take none here) }
 *
 * A malformed field throws one line naming the run and the field.
 */
import type { OkRun } from '@clbench/core';

export interface ClnpLayerRecord {
  layer: number; free: number; active: number; reused: number;
  /** undefined: not measured (older record); null: nothing reads the layer for this task */
  reusedMass?: number | null;
}

export interface ClnpCapacityRecord { layer: number; units: number; free: number; taken: number; meanTaken: number; tasksThatFit: number | null }

export interface ClnpTaskRecord {
  task: number;
  valAccUnpruned: number;
  valAccFinal: number;
  layers: ClnpLayerRecord[];
  /** undefined in records before the forecast existed */
  capacity?: ClnpCapacityRecord[];
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function count(o: Obj, f: string, where: string): number {
  const v = o[f];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`${where}.${f}: expected a non-negative integer, got ${JSON.stringify(v)}`);
  return v;
}

function fraction(v: unknown, where: string): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`${where}: expected a number in [0, 1], got ${JSON.stringify(v)}`);
  return v;
}

function array(v: unknown, where: string, shape: string): unknown[] {
  if (!Array.isArray(v)) throw new Error(`${where}: expected an array of ${shape}`);
  return v;
}

function layerRecord(v: unknown, where: string): ClnpLayerRecord {
  if (!isObj(v)) throw new Error(`${where}: expected { layer, free, active, reused }`);
  const rec: ClnpLayerRecord = { layer: count(v, 'layer', where), free: count(v, 'free', where), active: count(v, 'active', where), reused: count(v, 'reused', where) };
  if ('reusedMass' in v) rec.reusedMass = v.reusedMass === null ? null : fraction(v.reusedMass, `${where}.reusedMass`);
  return rec;
}

function capacityRecord(v: unknown, where: string): ClnpCapacityRecord {
  if (!isObj(v)) throw new Error(`${where}: expected { layer, units, free, taken, meanTaken, tasksThatFit }`);
  const meanTaken = v.meanTaken;
  if (typeof meanTaken !== 'number' || !(meanTaken >= 0)) throw new Error(`${where}.meanTaken: expected a non-negative number, got ${JSON.stringify(meanTaken)}`);
  return {
    layer: count(v, 'layer', where), units: count(v, 'units', where), free: count(v, 'free', where), taken: count(v, 'taken', where), meanTaken,
    tasksThatFit: v.tasksThatFit === null ? null : count(v, 'tasksThatFit', where),
  };
}

/** The run's CLNP task records, or undefined when it has no `diagnostics.clnp.tasks`. */
export function clnpTasks(run: OkRun): ClnpTaskRecord[] | undefined {
  const d = run.diagnostics.clnp as Obj | undefined;
  if (!isObj(d) || d.tasks === undefined) return undefined;
  const base = `run ${run.runId} (${run.label}): diagnostics.clnp.tasks`;
  return array(d.tasks, base, 'per-task records').map((t, i) => {
    const where = `${base}[${i}]`;
    if (!isObj(t)) throw new Error(`${where}: expected a per-task record`);
    const task = count(t, 'task', where);
    if (task >= run.accuracyMatrix.length) throw new Error(`${where}.task: ${task} is not a task position (the run has ${run.accuracyMatrix.length} tasks)`);
    return {
      task,
      valAccUnpruned: fraction(t.valAccUnpruned, `${where}.valAccUnpruned`),
      valAccFinal: fraction(t.valAccFinal, `${where}.valAccFinal`),
      layers: array(t.layers, `${where}.layers`, '{ layer, free, active, reused }').map((l, j) => layerRecord(l, `${where}.layers[${j}]`)),
      ...(t.capacity === undefined ? {} : { capacity: array(t.capacity, `${where}.capacity`, 'per-layer forecasts').map((c, j) => capacityRecord(c, `${where}.capacity[${j}]`)) }),
    };
  });
}
