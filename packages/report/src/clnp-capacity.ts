/**
 * CLNP's capacity forecast over runs (the paper's "free neurons" left for future tasks, Golkar,
 * Kagan & Cho 2019, arXiv 1903.04476, §3): per CLNP row, hidden layer and task, the units free and
 * taken and the forecast `tasksThatFit` = floor(free / mean units per finished task) recorded by
 * the run (diagnostics.clnp.tasks[].capacity, clnp-tasks.ts), set against the tasks the suite
 * still has to train after it, remaining = tasks − task − 1 (task 0-based). The forecast is at the
 * mean size so far; later tasks often take fewer units.
 */
import type { MethodAggregate, SuiteAggregate } from './aggregate.js';
import { clnpTasks } from './clnp-tasks.js';
import { stat, type Stat } from './stats.js';

export interface CapacityRow {
  label: string;
  /** 0-based hidden layer and task position */
  layer: number;
  task: number;
  /** tasks of the suite after this one */
  remaining: number;
  /** runs with a forecast for this layer and task */
  runs: number;
  free: Stat;
  taken: Stat;
  /** over the runs whose tasks took units in this layer (the others forecast nothing: null) */
  tasksThatFit: Stat;
  /** runs whose forecast is below the remaining tasks (the run's "may not fit" warning) */
  short: number;
}

interface Cell { layer: number; task: number; free: number[]; taken: number[]; fit: number[]; short: number }

function rowsOf(m: MethodAggregate, tasks: number): CapacityRow[] {
  const cells = new Map<string, Cell>();
  for (const run of m.runs) {
    for (const t of clnpTasks(run) ?? []) {
      for (const c of t.capacity ?? []) {
        const key = `${c.layer}|${t.task}`;
        const cell = cells.get(key) ?? { layer: c.layer, task: t.task, free: [], taken: [], fit: [], short: 0 };
        cell.free.push(c.free);
        cell.taken.push(c.taken);
        if (c.tasksThatFit !== null) cell.fit.push(c.tasksThatFit);
        if (c.tasksThatFit !== null && c.tasksThatFit < tasks - t.task - 1) cell.short++;
        cells.set(key, cell);
      }
    }
  }
  return [...cells.values()].sort((a, b) => a.layer - b.layer || a.task - b.task).map((c) => ({
    label: m.label, layer: c.layer, task: c.task, remaining: tasks - c.task - 1, runs: c.free.length,
    free: stat(c.free), taken: stat(c.taken), tasksThatFit: stat(c.fit), short: c.short,
  }));
}

/**
 * Per CLNP row, layer and task: the forecast over runs. Empty when no run of the suite records
 * a forecast, and for a one-task suite (nothing remains to forecast against).
 */
export function capacityRows(suite: SuiteAggregate): CapacityRow[] {
  if (suite.tasks < 2) return [];
  return suite.methods.flatMap((m) => rowsOf(m, suite.tasks));
}
