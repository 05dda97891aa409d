/** Unit accounting per hidden layer after each task (CLNP, HAT): free, active and reused units (diagnostics.clnp / .units, see clnp-units.ts). */
import type { SuiteAggregate } from '../aggregate.js';
import { UNIT_KINDS, unitStats } from '../clnp-units.js';
import { CONFIG, SCHEMA, num, slug, type Chart } from './common.js';

// free, active, reused: ColorBrewer Dark2, apart from the method palette (Tableau) so no kind reads as a method
const KIND_COLORS = ['#1b9e77', '#7570b3', '#d95f02'];

/** undefined when no run of the suite reports diagnostics.clnp or diagnostics.units */
export function unitsChart(suite: SuiteAggregate): Chart | undefined {
  const stats = unitStats(suite.methods);
  if (!stats.length) return undefined;
  const values = stats.map((u) => ({
    method: u.label, layer: `hidden layer ${u.layer + 1}`, task: u.task + 1, kind: u.kind,
    mean: num(u.stat.mean), lo: num(u.stat.mean - u.stat.ci95), hi: num(u.stat.mean + u.stat.ci95), n: u.stat.n,
  }));
  const methods = [...new Set(values.map((v) => v.method))];
  const layers = [...new Set(stats.map((u) => u.layer))].sort((a, b) => a - b).map((l) => `hidden layer ${l + 1}`);
  const x = { field: 'task', type: 'quantitative' as const, title: 'after training task', scale: { domain: [1, suite.tasks] }, axis: { tickMinStep: 1, format: 'd' } };
  const y = (field: string) => ({ field, type: 'quantitative' as const, title: 'units (neurons / filters)' });
  const color = { field: 'kind', type: 'nominal' as const, title: 'units', scale: { domain: [...UNIT_KINDS], range: KIND_COLORS } };
  return {
    name: `${slug(suite.suite)}-clnp-units`, suite: suite.suite, title: 'Units per layer (CLNP, HAT)',
    description: 'per hidden layer after each task: free units left, units active for the task, and earlier tasks\' units it reuses; mean over runs, band: 95% CI',
    spec: {
      $schema: SCHEMA, config: CONFIG,
      title: { text: `${suite.suite}: free, active and reused units per layer`, subtitle: 'mean over runs; band: 95% CI (Student t)' },
      data: { values },
      facet: {
        column: { field: 'layer', type: 'nominal', title: null, sort: layers },
        ...(methods.length > 1 ? { row: { field: 'method', type: 'nominal' as const, title: 'method', sort: methods } } : {}),
      },
      spec: {
        width: Math.max(200, 50 * suite.tasks), height: 200,
        layer: [
          ...(values.some((v) => v.lo !== null && v.hi !== null)
            ? [{ transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }], mark: { type: 'area' as const, opacity: 0.15 }, encoding: { x, y: y('lo'), y2: { field: 'hi' }, color } }]
            : []),
          {
            transform: [{ filter: 'isValid(datum.mean)' }], mark: { type: 'line', point: true },
            encoding: { x, y: y('mean'), color, tooltip: [{ field: 'method' }, { field: 'layer' }, { field: 'task', title: 'after task' }, { field: 'kind' }, { field: 'mean', format: '.1f' }, { field: 'n', title: 'runs' }] },
          },
        ],
      },
    },
  };
}
