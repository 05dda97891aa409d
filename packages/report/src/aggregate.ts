/**
 * Aggregation over seeds × orderings, one row per suite, label and configuration (row-key.ts):
 * runs of one label with different settings or code versions become separate rows, labelled by
 * what differs (row-labels.ts), never one average. Only `ok` runs enter the
 * statistics; failed runs are counted and listed beside them. All accuracies stay fractions
 * (0..1) here; charts and tables scale to percent.
 * Accuracy matrices are averaged by position in the training order: R[i][j] = accuracy on
 * the j-th task trained, after training the i-th (so runs with different orderings align
 * by position, not by class split).
 */
import type { FailedRun, OkRun, RunResult } from '@clbench/core';
import { pairedDifferences, type PairedDiff } from './paired.js';
import { definedValues, METRICS, type MetricName } from './metric-names.js';
import { groupBy } from './group-by.js';
import { keepLatestVersions, type LeftOut } from './latest.js';
import { configurationKey, configurationOf, type Configuration } from './row-key.js';
import { splitLabels, type LabelSplit } from './row-labels.js';
import { stat, type Stat } from './stats.js';

/** One row of a report: the runs of one suite, label and configuration. */
export interface MethodAggregate {
  suite: string;
  /** the row's label: the runs' label, plus what differs when that label covers several configurations */
  label: string;
  /** the label its runs carry */
  runLabel: string;
  method: string;
  configuration: Configuration;
  runs: OkRun[];
  failed: FailedRun[];
  metrics: Record<MetricName, Stat>;
  wallSeconds: Stat;
  /** gradient steps per run, training + consolidation, all tasks (runs that record them) */
  steps: Stat;
  samplesPerSecond: Stat;
  peakRssBytes: Stat;
  /** [i] = ACC after training the i-th task */
  learningCurve: Stat[];
  /** [i][j] = accuracy on the j-th task after training the i-th, over runs */
  accuracyMatrix: Stat[][];
}

export interface SuiteAggregate {
  suite: string;
  tasks: number;
  methods: MethodAggregate[];
  paired: PairedDiff[];
}

export interface Aggregate {
  suites: SuiteAggregate[];
  /** every row label in the report, sorted: the fixed colour domain of all charts */
  labels: string[];
  runs: number;
  failed: FailedRun[];
  /** labels that cover several configurations, each shown as several rows */
  splits: LabelSplit[];
  /** runs of older code versions left out by `latest` */
  leftOut: LeftOut[];
}

export interface AggregateOptions {
  /** keep only the newest code version per suite and label (`clbench report --latest`) */
  latest?: boolean;
  /** refuse (throw) when a label covers several configurations (`clbench report --strict`) */
  strict?: boolean;
}

const statOf = <T>(rs: T[], f: (r: T) => number) => stat(rs.map(f));

function aggregateRow(row: { label: string; runLabel: string; runs: RunResult[] }, suite: string, tasks: number): MethodAggregate {
  const { label, runLabel } = row;
  const runs = row.runs.filter((r): r is OkRun => r.status === 'ok');
  const failed = row.runs.filter((r): r is FailedRun => r.status === 'failed');
  for (const r of runs) {
    const R = r.accuracyMatrix;
    if (R.length !== tasks || R.some((row) => row.length !== tasks) || r.metrics.learningCurve.length !== tasks) {
      throw new Error(`run ${r.runId} (${suite}, ${label}): accuracy matrix is ${R.length}×${R[0]?.length ?? 0}, expected ${tasks}×${tasks} like the suite's other runs`);
    }
  }
  const idx = [...Array(tasks).keys()];
  return {
    suite, label, runLabel, method: row.runs[0].method, configuration: configurationOf(row.runs[0]), runs, failed,
    metrics: Object.fromEntries(METRICS.map((m) => [m, stat(definedValues(runs, m))])) as Record<MetricName, Stat>,
    wallSeconds: statOf(runs, (r) => r.timing.wallSeconds),
    steps: stat(runs.flatMap((r) => (r.steps ? [[...r.steps.train, ...r.steps.consolidation].reduce((a, b) => a + b, 0)] : []))),
    samplesPerSecond: statOf(runs, (r) => r.timing.samplesPerSecond),
    peakRssBytes: statOf(runs, (r) => r.peakRssBytes),
    learningCurve: idx.map((i) => statOf(runs, (r) => r.metrics.learningCurve[i])),
    accuracyMatrix: idx.map((i) => idx.map((j) => statOf(runs, (r) => r.accuracyMatrix[i][j]))),
  };
}

/** The order of Array.prototype.sort() (UTF-16 code units), as for the colour domain. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A suite's runs as rows: one per label and configuration, labelled by what differs. */
function suiteRows(suite: string, results: RunResult[]) {
  const byLabel = groupBy(results, (r) => r.label);
  const taken = new Set(byLabel.keys());
  const rows: { label: string; runLabel: string; runs: RunResult[] }[] = [];
  const splits: LabelSplit[] = [];
  for (const [runLabel, runs] of [...byLabel].sort(([a], [b]) => byText(a, b))) {
    const configs = [...groupBy(runs, configurationKey).values()];
    if (configs.length === 1) { rows.push({ label: runLabel, runLabel, runs }); continue; }
    taken.delete(runLabel);
    const { labels, differs } = splitLabels(runLabel, configs.map((c) => configurationOf(c[0])), taken);
    labels.forEach((label, i) => { taken.add(label); rows.push({ label, runLabel, runs: configs[i] }); });
    splits.push({ suite, label: runLabel, rows: [...labels].sort(byText), differs });
  }
  return { rows: rows.sort((a, b) => byText(a.label, b.label)), splits };
}

/** The one-line refusal of `--strict`. */
function strictError(splits: LabelSplit[]): Error {
  const s = splits[0];
  const more = splits.length > 1 ? ` (and ${splits.length - 1} more label${splits.length > 2 ? 's' : ''})` : '';
  return new Error(`suite "${s.suite}": label "${s.label}" covers ${s.rows.length} configurations differing in ${s.differs.join(', ')} (${s.rows.join(', ')})${more}; --strict refuses to report them (without it they are separate rows; --latest keeps only the newest code version)`);
}

function suiteTasks(suite: string, rs: RunResult[]): number {
  const ok = rs.filter((r): r is OkRun => r.status === 'ok');
  if (ok.length) return ok[0].accuracyMatrix.length;
  const failed = rs[0] as FailedRun;
  return failed.config.scenario.tasks ?? failed.ordering.length;
}

export function aggregate(all: RunResult[], opts: AggregateOptions = {}): Aggregate {
  const { results, leftOut } = opts.latest ? keepLatestVersions(all) : { results: all, leftOut: [] };
  const bySuite = groupBy(results, (r) => r.suite);
  const splits: LabelSplit[] = [];
  const suites = [...bySuite.keys()].sort().map((suite): SuiteAggregate => {
    const rs = bySuite.get(suite)!;
    const tasks = suiteTasks(suite, rs);
    const grouped = suiteRows(suite, rs);
    splits.push(...grouped.splits);
    const methods = grouped.rows.map((row) => aggregateRow(row, suite, tasks));
    return { suite, tasks, methods, paired: pairedDifferences(methods) };
  });
  if (opts.strict && splits.length) throw strictError(splits);
  return {
    suites,
    labels: [...new Set(suites.flatMap((s) => s.methods.map((m) => m.label)))].sort(),
    runs: results.length,
    failed: results.filter((r): r is FailedRun => r.status === 'failed'),
    splits,
    leftOut,
  };
}

/**
 * Merge results read from several directories (e.g. shards). A run id seen twice is kept
 * once: an ok run over a failed one, else the one that finished last.
 */
export function mergeResults(lists: RunResult[][]): { results: RunResult[]; duplicates: number } {
  const byId = new Map<string, RunResult>();
  let duplicates = 0;
  for (const r of lists.flat()) {
    const prev = byId.get(r.runId);
    if (prev) duplicates++;
    const sameStatus = prev?.status === r.status;
    if (!prev || (sameStatus ? r.finishedAt > prev.finishedAt : r.status === 'ok')) byId.set(r.runId, r);
  }
  return { results: [...byId.values()], duplicates };
}
