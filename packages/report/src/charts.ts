/** Every chart of a report, per suite, in page order; a suite without a successful run has none (its failures are in the tables). */
import type { Aggregate } from './aggregate.js';
import type { Chart } from './charts/common.js';
import { heatmapChart } from './charts/heatmap.js';
import { learningCurveChart } from './charts/learning-curve.js';
import { accChart, bwtForgettingChart, throughputChart, wallTimeChart } from './charts/per-method.js';
import { unitsChart } from './charts/units.js';

export function buildCharts(agg: Aggregate): Chart[] {
  return agg.suites.filter((s) => s.methods.some((m) => m.runs.length)).flatMap((s) => {
    const units = unitsChart(s);
    return [
      accChart(s, agg.labels),
      learningCurveChart(s, agg.labels),
      heatmapChart(s, agg.labels),
      bwtForgettingChart(s, agg.labels),
      ...(units ? [units] : []),
      wallTimeChart(s, agg.labels),
      throughputChart(s, agg.labels),
    ];
  });
}
