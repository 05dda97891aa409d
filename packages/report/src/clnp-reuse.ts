/**
 * CLNP's reuse of earlier tasks' units, measured three ways side by side (issue 23), per CLNP
 * row, task after the first and hidden layer, over runs (diagnostics.clnp.tasks[].layers[],
 * clnp-tasks.ts):
 *   active      new units the task took in the layer (free units it kept when pruned)
 *   reused      earlier tasks' units it reuses by effect: cutting one unit's outgoing weights into
 *               the task's own units (or head) lowers its validation accuracy by more than a
 *               tolerance (single-unit ablation, packages/methods/clnp/src/reuse.ts)
 *   reusedMass  share of the |weight| mass reading the layer for the task that comes from earlier
 *               tasks' units; null where nothing reads it, absent where not measured
 * The paper's reading (Golkar, Kagan & Cho 2019, arXiv 1903.04476; docs/design.md step 6): earlier layers are reused more.
 */
import type { MethodAggregate, SuiteAggregate } from './aggregate.js';
import { clnpTasks } from './clnp-tasks.js';
import { stat, type Stat } from './stats.js';

export interface ReuseRow {
  label: string;
  /** 0-based task position (≥ 1) and hidden layer */
  task: number;
  layer: number;
  runs: number;
  active: Stat;
  reused: Stat;
  /** over the runs that measured a share (fraction) */
  mass: Stat;
  /** runs where nothing reads the layer for the task (reusedMass null) */
  massNone: number;
  /** runs whose record predates the measure (reusedMass absent) */
  massAbsent: number;
}

interface Cell { task: number; layer: number; active: number[]; reused: number[]; mass: number[]; none: number; absent: number }

function rowsOf(m: MethodAggregate): ReuseRow[] {
  const cells = new Map<string, Cell>();
  for (const run of m.runs) {
    for (const t of clnpTasks(run) ?? []) {
      if (t.task === 0) continue; // nothing earlier to reuse
      for (const l of t.layers) {
        const key = `${t.task}|${l.layer}`;
        const cell = cells.get(key) ?? { task: t.task, layer: l.layer, active: [], reused: [], mass: [], none: 0, absent: 0 };
        cell.active.push(l.active);
        cell.reused.push(l.reused);
        if (l.reusedMass === undefined) cell.absent++;
        else if (l.reusedMass === null) cell.none++;
        else cell.mass.push(l.reusedMass);
        cells.set(key, cell);
      }
    }
  }
  return [...cells.values()].sort((a, b) => a.task - b.task || a.layer - b.layer).map((c) => ({
    label: m.label, task: c.task, layer: c.layer, runs: c.active.length,
    active: stat(c.active), reused: stat(c.reused), mass: stat(c.mass), massNone: c.none, massAbsent: c.absent,
  }));
}

/** Per CLNP row, task ≥ 1 and layer; empty unless some run of the suite measured the weight-mass share. */
export function reuseRows(suite: SuiteAggregate): ReuseRow[] {
  const rows = suite.methods.flatMap(rowsOf);
  return rows.some((r) => r.massAbsent < r.runs) ? rows : [];
}
