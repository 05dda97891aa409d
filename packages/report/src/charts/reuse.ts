/** CLNP's reuse measured three ways (clnp-reuse.ts): one panel per measure, a line per hidden layer, so "earlier layers are reused more" reads as layer 1 above layer 2. */
import type { SuiteAggregate } from '../aggregate.js';
import { reuseRows, type ReuseRow } from '../clnp-reuse.js';
import { ciBounds, type Stat } from '../stats.js';
import { CONFIG, LAYER_COLORS, SCHEMA, slug, type Chart } from './common.js';

// title, value, scale to plot, y axis title, y axis limits (CI bars are clipped there)
const MEASURES: [string, (r: ReuseRow) => Stat, number, string, { domainMin: number; domainMax?: number }][] = [
  ['new units', (r) => r.active, 1, 'units', { domainMin: 0 }],
  ['earlier units reused (ablation)', (r) => r.reused, 1, 'units', { domainMin: 0 }],
  ['weight-mass share from earlier units (%)', (r) => r.mass, 100, '%', { domainMin: 0, domainMax: 100 }],
];

/** undefined unless some CLNP run of the suite measured the weight-mass share (reusedMass) */
export function reuseChart(suite: SuiteAggregate): Chart | undefined {
  const rows = reuseRows(suite);
  if (!rows.length) return undefined;
  const layers = [...new Set(rows.map((r) => r.layer))].sort((a, b) => a - b).map((l) => `hidden layer ${l + 1}`);
  const methods = [...new Set(rows.map((r) => r.label))];
  const x = { field: 'task', type: 'quantitative' as const, title: 'task', scale: { domain: [2, Math.max(2, suite.tasks)] }, axis: { tickMinStep: 1, format: 'd' } };
  const color = { field: 'layer', type: 'nominal' as const, title: 'layer', scale: { domain: layers, range: LAYER_COLORS.slice(0, layers.length) } };
  const row = methods.length > 1 ? { row: { field: 'method', type: 'nominal' as const, title: null, sort: methods } } : {};
  // one facetted panel per measure, its y scale shared by the CLNP rows; runs without a value (share not measured, or nothing reads the layer) leave no point
  const panel = ([title, get, scale, yTitle, bounds]: (typeof MEASURES)[number]) => {
    const values = rows.flatMap((r) => (get(r).n ? [{ measure: title, method: r.label, layer: `hidden layer ${r.layer + 1}`, task: r.task + 1, ...ciBounds(get(r), scale), n: get(r).n }] : []));
    const y = (field: string) => ({ field, type: 'quantitative' as const, title: yTitle, scale: { ...bounds, clamp: true } });
    return {
      data: { values }, facet: { column: { field: 'measure', type: 'nominal' as const, title: null }, ...row },
      spec: {
        width: Math.max(160, 40 * suite.tasks), height: 160,
        layer: [
          ...(values.some((v) => v.lo !== null && v.hi !== null)
            ? [{ transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }], mark: { type: 'rule' as const }, encoding: { x, y: y('lo'), y2: { field: 'hi' }, color } }]
            : []),
          { mark: { type: 'line' as const, point: true }, encoding: { x, y: y('mean'), color, tooltip: [{ field: 'method', title: 'CLNP row' }, { field: 'layer' }, { field: 'task' }, { field: 'mean', title, format: '.1f' }, { field: 'n', title: 'runs' }] } },
        ],
      },
    };
  };
  const panels = MEASURES.map(panel).filter((p) => p.data.values.length);
  return {
    name: `${slug(suite.suite)}-clnp-reuse`, suite: suite.suite, title: 'CLNP reuse, three measures',
    description: 'per task after the first and hidden layer: new units = free units the task kept; earlier units reused (ablation) = earlier tasks\' units whose cut lowers its validation accuracy by more than the tolerance; weight-mass share = the share of the |weight| mass reading the layer for the task that comes from earlier tasks\' units (no point where not measured); mean over runs; bar: 95% CI',
    spec: {
      $schema: SCHEMA, config: CONFIG,
      title: { text: `${suite.suite}: CLNP reuse of earlier units, three measures`, subtitle: 'a line per hidden layer; mean over runs; bar: 95% CI (Student t)' },
      hconcat: panels,
    },
  };
}
