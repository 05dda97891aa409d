/** Every chart of a report, per suite, in page order (published vs measured after ACC where a suite carries published numbers); a suite without a successful run has none (its failures are in the tables). */
import type { Published } from '@clbench/core';
import type { Aggregate } from './aggregate.js';
import type { Chart } from './charts/common.js';
import { heatmapChart } from './charts/heatmap.js';
import { learningCurveChart } from './charts/learning-curve.js';
import { accChart, bwtForgettingChart, throughputChart, wallTimeChart } from './charts/per-method.js';
import { publishedChart } from './charts/published.js';
import { pruningLossChart } from './charts/pruning-loss.js';
import { unitsChart } from './charts/units.js';
import { capacityChart } from './charts/capacity.js';
import { reuseChart } from './charts/reuse.js';
import { sparsitySweepChart } from './charts/sparsity-sweep.js';

/** `published`: suite name → the published numbers its results directory carries (a chart beside ACC). */
export function buildCharts(agg: Aggregate, published: Record<string, Published> = {}): Chart[] {
  return agg.suites.filter((s) => s.methods.some((m) => m.runs.length)).flatMap((s) => {
    const units = unitsChart(s), pruning = pruningLossChart(s, agg.labels);
    // CLNP's capacity, reuse and sparsity sweep: each only where the runs carry its data
    const clnp = [capacityChart(s, agg.labels), reuseChart(s), sparsitySweepChart(s)].filter((c): c is Chart => c !== undefined);
    const pub = published[s.suite];
    return [
      accChart(s, agg.labels),
      ...(pub ? [publishedChart(s, pub, agg.labels)] : []),
      learningCurveChart(s, agg.labels),
      heatmapChart(s, agg.labels),
      bwtForgettingChart(s, agg.labels),
      ...(pruning ? [pruning] : []),
      ...(units ? [units] : []),
      ...clnp,
      wallTimeChart(s, agg.labels),
      throughputChart(s, agg.labels),
    ];
  });
}
