/** The per-run continual-learning metrics the report aggregates, with their display names (core/metrics.ts defines them). */
export const METRICS = ['acc', 'bwt', 'fwt', 'forgetting'] as const;
export type MetricName = (typeof METRICS)[number];

export const METRIC_TITLES: Record<MetricName, string> = {
  acc: 'ACC (final average accuracy)',
  bwt: 'BWT (backward transfer)',
  fwt: 'FWT (forward transfer)',
  forgetting: 'forgetting',
};
