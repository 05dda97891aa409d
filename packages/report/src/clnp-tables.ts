/**
 * The CLNP tables of a suite (summary.md and index.html): the capacity forecast, the sparsity
 * sweep and reuse measured three ways, each with the sentence that says what it shows. A table
 * is absent (null) when the suite's runs do not carry its data.
 */
import type { SuiteAggregate } from './aggregate.js';
import { capacityRows } from './clnp-capacity.js';
import { reuseRows, type ReuseRow } from './clnp-reuse.js';
import { sweepGroups } from './clnp-sweep.js';
import type { Stat } from './stats.js';
import { meanCi, type Table } from './tables.js';

export const CAPACITY_NOTE = 'Per hidden layer after each task (both counted from 1): the units still free, the units the task took, and the forecast of how many more tasks fit, floor(free / mean units per finished task) — a forecast at the mean size so far (later tasks often take fewer units), not a bound — against the tasks the suite still has to train. Runs short: runs whose forecast is below the remaining tasks. Mean ± 95% CI over runs; a layer where the tasks took no unit forecasts nothing (–).';

export const SWEEP_NOTE = 'CLNP rows that differ only in the L1 strength alpha (at least 3 values): the units each hidden layer keeps after the first task, and the first task\'s validation accuracy before pruning and after fine-tuning, mean over runs. Test accuracy R[0][0] is shown for reference and chooses nothing.';

export const REUSE_NOTE = 'Per task after the first (counted from 1) and hidden layer, mean ± 95% CI over runs: new units = free units the task kept when pruned; reused (ablation) = earlier tasks\' units whose cut from the task\'s path lowers its validation accuracy by more than the reuse tolerance; weight-mass share = the fraction of the |weight| mass that reads the layer for the task (into its own units of the next layer, or its head) coming from earlier tasks\' units ("not measured" in records made before this measure).';

const one = (s: Stat) => meanCi(s, 1, 1);

/** Mean alone for a single run, mean ± CI otherwise; "–" without runs. */
function meanOrCi(s: Stat, scale: number, digits: number): string {
  return s.n === 1 ? (s.mean * scale).toFixed(digits) : meanCi(s, scale, digits);
}

export function capacityTable(suite: SuiteAggregate): Table | null {
  const rows = capacityRows(suite);
  if (!rows.length) return null;
  return {
    header: ['CLNP row', 'hidden layer', 'after task', 'runs', 'free units', 'taken by the task', 'tasks that fit (forecast)', 'remaining tasks', 'runs short'],
    numeric: [false, true, true, true, true, true, true, true, true],
    rows: rows.map((r) => [r.label, String(r.layer + 1), String(r.task + 1), String(r.runs), one(r.free), one(r.taken), one(r.tasksThatFit), String(r.remaining), String(r.short)]),
  };
}

export function sweepTable(suite: SuiteAggregate): Table | null {
  const groups = sweepGroups(suite);
  if (!groups.length) return null;
  const layers = Math.max(...groups.map((g) => g.layers));
  const kept = (s: Stat | undefined) => (s && s.n ? meanOrCi(s, 1, s.n === 1 ? 0 : 1) : '–');
  return {
    header: ['sweep', 'alpha', 'runs', `units kept after task 1 (hidden layer ${[...Array(layers).keys()].map((l) => l + 1).join(' / ')})`,
      'val acc before pruning (%)', 'val acc after fine-tuning (%)', 'test acc (%; chooses nothing)'],
    numeric: [false, true, true, true, true, true, true],
    rows: groups.flatMap((g) => g.points.map((p) => [
      g.name, String(p.alpha), String(p.runs), [...Array(layers).keys()].map((l) => kept(p.kept[l])).join(' / '),
      meanOrCi(p.valAccUnpruned, 100, 2), meanOrCi(p.valAccFinal, 100, 2), meanOrCi(p.testAcc, 100, 2),
    ])),
  };
}

/** The weight-mass share's cell: measured runs (percent), else why there is no number. */
export function massCell(r: ReuseRow): string {
  const why = [...(r.massNone ? [`${r.massNone} with nothing reading it`] : []), ...(r.massAbsent ? [`${r.massAbsent} not measured`] : [])];
  if (r.mass.n === 0) return r.massNone === 0 ? 'not measured' : r.massAbsent === 0 ? 'nothing reads it' : `– (${why.join(', ')})`;
  return `${meanCi(r.mass, 100, 1)}${why.length ? ` (${r.mass.n} of ${r.runs} runs; ${why.join(', ')})` : ''}`;
}

export function reuseTable(suite: SuiteAggregate): Table | null {
  const rows = reuseRows(suite);
  if (!rows.length) return null;
  return {
    header: ['CLNP row', 'task', 'hidden layer', 'runs', 'new units (active)', 'earlier units reused (ablation)', 'weight-mass share from earlier units (%)'],
    numeric: [false, true, true, true, true, true, true],
    rows: rows.map((r) => [r.label, String(r.task + 1), String(r.layer + 1), String(r.runs), one(r.active), one(r.reused), massCell(r)]),
  };
}

export interface ClnpSection { title: string; note: string; table: Table }

/** The suite's CLNP tables that its runs carry data for, in page order. */
export function clnpSections(suite: SuiteAggregate): ClnpSection[] {
  const sections: [string, string, Table | null][] = [
    ['Capacity forecast', CAPACITY_NOTE, capacityTable(suite)],
    ['Reuse, three measures', REUSE_NOTE, reuseTable(suite)],
    ['Sparsity sweep', SWEEP_NOTE, sweepTable(suite)],
  ];
  return sections.flatMap(([title, note, table]) => (table ? [{ title, note, table }] : []));
}
