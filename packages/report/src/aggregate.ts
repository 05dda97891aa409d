/**
 * Aggregation over seeds × orderings, per suite and method label. Only `ok` runs enter the
 * statistics; failed runs are counted and listed beside them. All accuracies stay fractions
 * (0..1) here; charts and tables scale to percent.
 * Accuracy matrices are averaged by position in the training order: R[i][j] = accuracy on
 * the j-th task trained, after training the i-th (so runs with different orderings align
 * by position, not by class split).
 */
import type { FailedRun, OkRun, RunResult } from '@clbench/core';
import { pairedDifferences, type PairedDiff } from './paired.js';
import { METRICS, type MetricName } from './metric-names.js';
import { stat, type Stat } from './stats.js';

export interface MethodAggregate {
  suite: string;
  label: string;
  method: string;
  runs: OkRun[];
  failed: FailedRun[];
  metrics: Record<MetricName, Stat>;
  wallSeconds: Stat;
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
  /** every method label in the report, sorted: the fixed colour domain of all charts */
  labels: string[];
  runs: number;
  failed: FailedRun[];
}

const statOf = <T>(rs: T[], f: (r: T) => number) => stat(rs.map(f));

function aggregateMethod(suite: string, label: string, all: RunResult[], tasks: number): MethodAggregate {
  const methods = [...new Set(all.map((r) => r.method))];
  if (methods.length > 1) throw new Error(`suite "${suite}": label "${label}" is used by several methods (${methods.join(', ')}); give each a distinct label`);
  const runs = all.filter((r): r is OkRun => r.status === 'ok');
  const failed = all.filter((r): r is FailedRun => r.status === 'failed');
  for (const r of runs) {
    const R = r.accuracyMatrix;
    if (R.length !== tasks || R.some((row) => row.length !== tasks) || r.metrics.learningCurve.length !== tasks) {
      throw new Error(`run ${r.runId} (${suite}, ${label}): accuracy matrix is ${R.length}×${R[0]?.length ?? 0}, expected ${tasks}×${tasks} like the suite's other runs`);
    }
  }
  const idx = [...Array(tasks).keys()];
  return {
    suite, label, method: methods[0], runs, failed,
    metrics: Object.fromEntries(METRICS.map((m) => [m, statOf(runs, (r) => r.metrics[m])])) as Record<MetricName, Stat>,
    wallSeconds: statOf(runs, (r) => r.timing.wallSeconds),
    samplesPerSecond: statOf(runs, (r) => r.timing.samplesPerSecond),
    peakRssBytes: statOf(runs, (r) => r.peakRssBytes),
    learningCurve: idx.map((i) => statOf(runs, (r) => r.metrics.learningCurve[i])),
    accuracyMatrix: idx.map((i) => idx.map((j) => statOf(runs, (r) => r.accuracyMatrix[i][j]))),
  };
}

function suiteTasks(suite: string, rs: RunResult[]): number {
  const ok = rs.filter((r): r is OkRun => r.status === 'ok');
  if (ok.length) return ok[0].accuracyMatrix.length;
  const failed = rs[0] as FailedRun;
  return failed.config.scenario.tasks ?? failed.ordering.length;
}

export function aggregate(results: RunResult[]): Aggregate {
  const bySuite = new Map<string, Map<string, RunResult[]>>();
  for (const r of results) {
    const labels = bySuite.get(r.suite) ?? new Map<string, RunResult[]>();
    labels.set(r.label, [...(labels.get(r.label) ?? []), r]);
    bySuite.set(r.suite, labels);
  }
  const suites = [...bySuite.keys()].sort().map((suite): SuiteAggregate => {
    const groups = bySuite.get(suite)!;
    const tasks = suiteTasks(suite, [...groups.values()].flat());
    const methods = [...groups.keys()].sort().map((label) => aggregateMethod(suite, label, groups.get(label)!, tasks));
    return { suite, tasks, methods, paired: pairedDifferences(methods) };
  });
  return {
    suites,
    labels: [...new Set(results.map((r) => r.label))].sort(),
    runs: results.length,
    failed: results.filter((r): r is FailedRun => r.status === 'failed'),
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
