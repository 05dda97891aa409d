/**
 * Per-layer unit accounting of the unit-allocating methods, read from a run's diagnostics, so
 * the units chart plots them side by side. The shape a method writes (CLNP under `clnp`, any
 * other method under `units`, e.g. HAT: units whose task gate σ(s_max·e) is above ½):
 *
 *   diagnostics.clnp  = { layers: [{ task, layer, free, active, reused }, ...] }
 *   diagnostics.units = { layers: [{ task, layer, free, active, reused }, ...] }
 *
 *   task    0-based position in the training order; the record describes the network after training it
 *   layer   0-based index of the hidden layer (dense or conv; dropout layers are not counted)
 *   free    units (neurons / filters) of the layer not yet allocated to any task
 *   active  units the task made active (allocated to it by pruning; reused units are counted apart)
 *   reused  units of earlier tasks this task uses; CLNP counts them by effect: cutting the unit's weights
 *           into the task's own units of the next layer (or its head) lowers the task's validation
 *           accuracy by more than a tolerance (packages/methods/clnp/src/reuse.ts)
 *
 * One record per (task, layer). Counts are averaged over runs per method label.
 */
import type { OkRun } from '@clbench/core';
import type { MethodAggregate } from './aggregate.js';
import { stat, type Stat } from './stats.js';

export const UNIT_KINDS = ['free', 'active', 'reused'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];
export interface UnitRecord { task: number; layer: number; free: number; active: number; reused: number }
export interface UnitStat { label: string; layer: number; task: number; kind: UnitKind; stat: Stat }

const FIELDS = ['task', 'layer', ...UNIT_KINDS] as const;

/** The run's unit records, or undefined when it has neither `diagnostics.clnp` nor `diagnostics.units`. Throws one line naming the run and field. */
export function unitRecords(run: OkRun): UnitRecord[] | undefined {
  const key = run.diagnostics.clnp !== undefined ? 'clnp' : 'units';
  const d = run.diagnostics[key] as { layers?: unknown } | undefined;
  if (d === undefined) return undefined;
  const where = `run ${run.runId} (${run.label}): diagnostics.${key}`;
  if (!d || typeof d !== 'object' || !Array.isArray(d.layers)) throw new Error(`${where}.layers: expected an array of { task, layer, free, active, reused }`);
  return d.layers.map((rec: unknown, i: number) => {
    for (const f of FIELDS) {
      const v = (rec as Record<string, unknown> | null)?.[f];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`${where}.layers[${i}].${f}: expected a non-negative integer, got ${JSON.stringify(v)}`);
    }
    const r = rec as UnitRecord;
    if (r.task >= run.accuracyMatrix.length) throw new Error(`${where}.layers[${i}].task: ${r.task} is not a task position (the run has ${run.accuracyMatrix.length} tasks)`);
    return { task: r.task, layer: r.layer, free: r.free, active: r.active, reused: r.reused };
  });
}

/** Mean / CI of each unit count over the runs of each method that report them. */
export function unitStats(methods: MethodAggregate[]): UnitStat[] {
  const out: UnitStat[] = [];
  for (const m of methods) {
    const cells = new Map<string, { layer: number; task: number; values: Record<UnitKind, number[]> }>();
    for (const run of m.runs) {
      for (const r of unitRecords(run) ?? []) {
        const key = `${r.layer}|${r.task}`;
        const cell = cells.get(key) ?? { layer: r.layer, task: r.task, values: { free: [], active: [], reused: [] } };
        for (const k of UNIT_KINDS) cell.values[k].push(r[k]);
        cells.set(key, cell);
      }
    }
    const sorted = [...cells.values()].sort((a, b) => a.layer - b.layer || a.task - b.task);
    for (const c of sorted) for (const kind of UNIT_KINDS) out.push({ label: m.label, layer: c.layer, task: c.task, kind, stat: stat(c.values[kind]) });
  }
  return out;
}
