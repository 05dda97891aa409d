/** The per-run continual-learning metrics the report aggregates, with their display names (core/metrics.ts defines them). */
import type { OkRun } from '@clbench/core';
export const METRICS = ['acc', 'bwt', 'fwt', 'forgetting'] as const;
export type MetricName = (typeof METRICS)[number];

export const METRIC_TITLES: Record<MetricName, string> = {
  acc: 'ACC (final average accuracy)',
  bwt: 'BWT (backward transfer)',
  fwt: 'FWT (forward transfer)',
  forgetting: 'forgetting',
};

/** The values of metric `k` over runs, leaving out runs where it is undefined (FWT with one head per task is null). */
export const definedValues = (runs: OkRun[], k: MetricName): number[] =>
  runs.map((r) => r.metrics[k]).filter((v): v is number => v !== null);

/** The metrics a suite's tables show: FWT only where some run defines it (a shared head). */
export const shownMetrics = (runs: OkRun[]): MetricName[] =>
  METRICS.filter((k) => k !== 'fwt' || runs.some((r) => r.metrics.fwt !== null));
