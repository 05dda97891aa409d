/**
 * Accuracy-matrix heatmaps, one panel per method: cell (i, j) = mean over runs of the
 * accuracy on the j-th task trained after training the i-th (positions in training order).
 * Cells above the diagonal are tasks not yet trained (heads untrained or shared).
 */
import type { SuiteAggregate } from '../aggregate.js';
import { CONFIG, SCHEMA, pct, slug, type Chart } from './common.js';

export function heatmapChart(suite: SuiteAggregate, labels: string[]): Chart {
  const values = suite.methods.flatMap((m) => m.accuracyMatrix.flatMap((row, i) => row.map((s, j) => ({
    method: m.label, after: i + 1, on: j + 1, mean: pct(s.mean), n: s.n,
  })))).filter((v) => v.mean !== null);
  const cell = suite.tasks <= 6 ? 40 : Math.max(14, Math.floor(240 / suite.tasks));
  const x = { field: 'on', type: 'ordinal' as const, title: 'on task j', axis: { labelAngle: 0, grid: false } };
  const y = { field: 'after', type: 'ordinal' as const, title: 'after task i', axis: { grid: false } };
  return {
    name: `${slug(suite.suite)}-accuracy-matrix`, suite: suite.suite, title: 'accuracy matrices',
    description: 'R[i][j] = accuracy on the j-th task trained after training the i-th, mean over runs (seeds × orderings); above the diagonal: tasks not trained yet',
    spec: {
      $schema: SCHEMA, config: CONFIG,
      title: { text: `${suite.suite}: accuracy matrix R[i][j] per method`, subtitle: 'mean test accuracy over runs; i, j = positions in the training order' },
      data: { values },
      facet: { field: 'method', type: 'nominal', title: null, sort: labels.filter((l) => suite.methods.some((m) => m.label === l)) },
      columns: Math.min(3, suite.methods.length),
      spec: {
        width: cell * suite.tasks, height: cell * suite.tasks,
        layer: [
          { mark: 'rect', encoding: { x, y, color: { field: 'mean', type: 'quantitative', title: 'accuracy (%)', scale: { scheme: 'viridis', domain: [0, 100] } },
            tooltip: [{ field: 'method' }, { field: 'after', title: 'after task' }, { field: 'on', title: 'on task' }, { field: 'mean', title: 'accuracy (%)', format: '.2f' }, { field: 'n', title: 'runs' }] } },
          ...(cell >= 30 ? [{
            mark: { type: 'text' as const, fontSize: 10 },
            encoding: { x, y, text: { field: 'mean', type: 'quantitative' as const, format: '.0f' }, color: { condition: { test: 'datum.mean < 55', value: 'white' }, value: 'black' } },
          }] : []),
        ],
      },
    },
  };
}
