/** CLNP's capacity forecast (clnp-capacity.ts): per hidden layer after each task, units free and tasks that fit against tasks remaining. */
import type { SuiteAggregate } from '../aggregate.js';
import { capacityRows } from '../clnp-capacity.js';
import { ciBounds } from '../stats.js';
import { CONFIG, SCHEMA, methodColor, slug, type Chart } from './common.js';

/** undefined when no run of the suite records a forecast (code versions before 0.6.0), or the suite has one task */
export function capacityChart(suite: SuiteAggregate, labels: string[]): Chart | undefined {
  const rows = capacityRows(suite);
  if (!rows.length) return undefined;
  const layerName = (l: number) => `hidden layer ${l + 1}`;
  const point = (r: (typeof rows)[number], quantity: 'free' | 'tasksThatFit') => ({ method: r.label, layer: layerName(r.layer), task: r.task + 1, ...ciBounds(r[quantity]), n: r[quantity].n });
  const free = rows.map((r) => point(r, 'free')), fit = rows.map((r) => point(r, 'tasksThatFit'));
  // the tasks still to train after each task: the same for every row, one dashed line per layer
  const layers = [...new Set(rows.map((r) => r.layer))].sort((a, b) => a - b);
  const remaining = layers.flatMap((l) => [...Array(suite.tasks).keys()].map((t) => ({ series: 'remaining', layer: layerName(l), task: t + 1, mean: suite.tasks - t - 1 })));
  const x = { field: 'task', type: 'quantitative' as const, title: 'after training task', scale: { domain: [1, suite.tasks] }, axis: { tickMinStep: 1, format: 'd' } };
  // counts: the axis starts at 0 and CI bands are clipped there
  const yTitle = (title: string) => (field: string) => ({ field, type: 'quantitative' as const, title, scale: { domainMin: 0, clamp: true } });
  const color = methodColor(labels);
  const tooltip = [{ field: 'method' }, { field: 'layer' }, { field: 'task', title: 'after task' }, { field: 'mean', format: '.1f' }, { field: 'n', title: 'runs' }];
  const column = { column: { field: 'layer', type: 'nominal' as const, title: null, sort: layers.map(layerName) } };
  const width = Math.max(200, 40 * suite.tasks);
  // no band layer where no point has a CI (single runs): an empty layer makes vega warn
  const lines = (values: { lo: number | null; hi: number | null }[], y: ReturnType<typeof yTitle>) => [
    ...(values.some((v) => v.lo !== null && v.hi !== null)
      ? [{ transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }], mark: { type: 'area' as const, opacity: 0.15 }, encoding: { x, y: y('lo'), y2: { field: 'hi' }, color } }]
      : []),
    { transform: [{ filter: '!datum.series && isValid(datum.mean)' }], mark: { type: 'line' as const, point: true }, encoding: { x, y: y('mean'), color, tooltip } },
  ];
  const remainingLine = {
    transform: [{ filter: 'datum.series === "remaining"' }], mark: { type: 'line' as const, color: '#333', strokeDash: [5, 4], strokeWidth: 1.5 },
    encoding: { x, y: yTitle('tasks that fit')('mean'), tooltip: [{ field: 'task', title: 'after task' }, { field: 'mean', title: 'tasks remaining' }] },
  };
  return {
    name: `${slug(suite.suite)}-clnp-capacity`, suite: suite.suite, title: 'CLNP capacity forecast',
    description: 'per hidden layer after each task: units still free (top) and how many more tasks fit (bottom, floor(free / mean units per finished task): a forecast at the mean size so far, later tasks often take fewer units) against the tasks still to train (dashed); mean over runs; band: 95% CI',
    spec: {
      $schema: SCHEMA, config: CONFIG,
      title: { text: `${suite.suite}: CLNP free units and the capacity forecast`, subtitle: 'forecast at the mean size so far; dashed: tasks remaining; mean over runs; band: 95% CI (Student t)' },
      // two facetted rows, each with one y scale across its layers (an independent scale per cell would be empty where a cell has no CI)
      vconcat: [
        { data: { values: free }, facet: column, spec: { width, height: 150, layer: lines(free, yTitle('units free')) } },
        { data: { values: [...fit, ...remaining] }, facet: column, spec: { width, height: 150, layer: [...lines(fit, yTitle('tasks that fit')), remainingLine] } },
      ],
    },
  };
}
