/** Pruning loss per task (CLNP, PackNet): test accuracy just before pruning minus just after consolidation (pruning-loss.ts). */
import type { SuiteAggregate } from '../aggregate.js';
import { pruningLossPerTask } from '../pruning-loss.js';
import { CONFIG, SCHEMA, methodColor, pct, slug, type Chart } from './common.js';

/** undefined when no run of the suite records diagnostics.pruning */
export function pruningLossChart(suite: SuiteAggregate, labels: string[]): Chart | undefined {
  const stats = pruningLossPerTask(suite.methods);
  if (!stats.length) return undefined;
  const values = stats.map((s) => ({ method: s.label, task: s.task + 1, mean: pct(s.stat.mean), lo: pct(s.stat.mean - s.stat.ci95), hi: pct(s.stat.mean + s.stat.ci95), n: s.stat.n }));
  const x = { field: 'task', type: 'quantitative' as const, title: 'task (position in the training order)', scale: { domain: [1, suite.tasks] }, axis: { tickMinStep: 1, format: 'd' } };
  const y = (field: string) => ({ field, type: 'quantitative' as const, title: 'pruning loss (pp of test accuracy)' });
  const color = methodColor(labels);
  return {
    name: `${slug(suite.suite)}-pruning-loss`, suite: suite.suite, title: 'pruning loss per task',
    description: 'test accuracy of each task just before pruning minus just after consolidation (pruning + fine-tuning / retraining; = R[j][j]), which BWT and forgetting cannot show; line: mean over runs; band: 95% CI (Student t)',
    spec: {
      $schema: SCHEMA, config: CONFIG,
      title: { text: `${suite.suite}: pruning loss per task`, subtitle: 'before pruning − after consolidation; line: mean over runs; band: 95% CI (Student t)' },
      width: Math.max(300, 70 * suite.tasks), height: 220,
      data: { values },
      layer: [
        { data: { values: [{ zero: 0 }] }, mark: { type: 'rule' as const, color: '#888', strokeDash: [4, 3] }, encoding: { y: { field: 'zero', type: 'quantitative' as const } } },
        // no band layer when no point has a CI (single runs): an empty layer makes vega warn
        ...(values.some((v) => v.lo !== null && v.hi !== null)
          ? [{ transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }], mark: { type: 'area' as const, opacity: 0.15 }, encoding: { x, y: y('lo'), y2: { field: 'hi' }, color } }]
          : []),
        {
          transform: [{ filter: 'isValid(datum.mean)' }], mark: { type: 'line', point: true, strokeWidth: 2 },
          encoding: {
            x, y: y('mean'), color,
            tooltip: [{ field: 'method' }, { field: 'task' }, { field: 'mean', title: 'pruning loss (pp)', format: '.2f' }, { field: 'lo', title: 'CI low', format: '.2f' }, { field: 'hi', title: 'CI high', format: '.2f' }, { field: 'n', title: 'runs' }],
          },
        },
      ],
    },
  };
}
