/** Learning curves: ACC over the tasks seen so far, after each task, mean line with a 95 % CI band. */
import type { SuiteAggregate } from '../aggregate.js';
import { CONFIG, SCHEMA, methodColor, pct, slug, type Chart } from './common.js';

export function learningCurveChart(suite: SuiteAggregate, labels: string[]): Chart {
  const values = suite.methods.flatMap((m) => m.learningCurve.map((s, i) => ({
    method: m.label, task: i + 1, mean: pct(s.mean), lo: pct(s.mean - s.ci95), hi: pct(s.mean + s.ci95), n: s.n,
  })));
  const x = { field: 'task', type: 'quantitative' as const, title: 'tasks trained', scale: { domain: [1, suite.tasks] }, axis: { tickMinStep: 1, format: 'd' } };
  const y = (field: string) => ({ field, type: 'quantitative' as const, title: 'ACC on tasks seen so far (%)', scale: { zero: false, domainMax: 100, clamp: true } });
  const color = methodColor(labels);
  return {
    name: `${slug(suite.suite)}-learning-curve`, suite: suite.suite, title: 'learning curves',
    description: 'average accuracy over the tasks trained so far, after each task; line: mean over runs; band: 95% CI (Student t)',
    spec: {
      $schema: SCHEMA, config: CONFIG,
      title: { text: `${suite.suite}: learning curves`, subtitle: 'line: mean over runs; band: 95% CI (Student t)' },
      width: Math.max(300, 70 * suite.tasks), height: 260,
      data: { values },
      layer: [
        // no band layer when no point has a CI (single runs): an empty layer makes vega warn
        ...(values.some((v) => v.lo !== null && v.hi !== null)
          ? [{ transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }], mark: { type: 'area' as const, opacity: 0.15 }, encoding: { x, y: y('lo'), y2: { field: 'hi' }, color } }]
          : []),
        {
          transform: [{ filter: 'isValid(datum.mean)' }], mark: { type: 'line', point: true, strokeWidth: 2 },
          encoding: {
            x, y: y('mean'), color,
            tooltip: [{ field: 'method' }, { field: 'task', title: 'tasks trained' }, { field: 'mean', format: '.2f' }, { field: 'lo', title: 'CI low', format: '.2f' }, { field: 'hi', title: 'CI high', format: '.2f' }, { field: 'n', title: 'runs' }],
          },
        },
      ],
    },
  };
}
