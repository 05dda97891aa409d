/** CLNP's sparsity sweep (clnp-sweep.ts): units kept per hidden layer and validation accuracy against alpha, one row of panels per sweep. */
import type { SuiteAggregate } from '../aggregate.js';
import { sweepGroups } from '../clnp-sweep.js';
import { CONFIG, LAYER_COLORS, SCHEMA, num, pct, slug, type Chart } from './common.js';

const BEFORE = 'before pruning', AFTER = 'after fine-tuning';

/** undefined when no group of CLNP rows of the suite differs in alpha alone over at least 3 values */
export function sparsitySweepChart(suite: SuiteAggregate): Chart | undefined {
  const groups = sweepGroups(suite);
  if (!groups.length) return undefined;
  const layers = Math.max(...groups.map((g) => g.layers));
  const layerNames = [...Array(layers).keys()].map((l) => `hidden layer ${l + 1}`);
  const kept = groups.flatMap((g) => g.points.flatMap((p) => p.kept.map((s, l) => ({ sweep: g.name, series: layerNames[l], alpha: p.alpha, value: num(s.mean), n: s.n, row: p.label }))));
  const acc = groups.flatMap((g) => g.points.flatMap((p) => [
    { sweep: g.name, series: BEFORE, alpha: p.alpha, value: pct(p.valAccUnpruned.mean), n: p.valAccUnpruned.n, row: p.label },
    { sweep: g.name, series: AFTER, alpha: p.alpha, value: pct(p.valAccFinal.mean), n: p.valAccFinal.n, row: p.label },
  ]));
  // the sweep's name heads the rows of the left panel; the right panel's rows line up with them
  const facet = (labels: boolean) => ({ row: { field: 'sweep', type: 'nominal' as const, title: null, sort: groups.map((g) => g.name), header: labels ? { labelAngle: 0, labelAlign: 'left' as const, labelLimit: 160 } : { labels: false } } });
  const x = { field: 'alpha', type: 'quantitative' as const, title: 'alpha (L1 strength, log scale)', scale: { type: 'log' as const }, axis: { format: '.0e' } };
  // one facetted panel per quantity, its y scale shared by the sweeps
  const panel = (values: typeof kept, yTitle: string, colorTitle: string, domain: string[], range: string[], labels: boolean) => ({
    data: { values }, facet: facet(labels),
    spec: {
      width: 240, height: 150,
      transform: [{ filter: 'isValid(datum.value)' }],
      mark: { type: 'line' as const, point: true },
      encoding: {
        x, y: { field: 'value', type: 'quantitative' as const, title: yTitle },
        color: { field: 'series', type: 'nominal' as const, title: colorTitle, scale: { domain, range } },
        tooltip: [{ field: 'row', title: 'row' }, { field: 'alpha' }, { field: 'series', title: colorTitle }, { field: 'value', title: yTitle, format: '.2f' }, { field: 'n', title: 'runs' }],
      },
    },
  });
  return {
    name: `${slug(suite.suite)}-clnp-sparsity-sweep`, suite: suite.suite, title: 'CLNP sparsity sweep',
    description: 'CLNP rows that differ only in alpha (log scale): units each hidden layer keeps after the first task (left) and the first task\'s validation accuracy before pruning and after fine-tuning (right), one row per sweep; mean over runs (test accuracy is in the table and chooses nothing)',
    spec: {
      $schema: SCHEMA, config: CONFIG,
      title: { text: `${suite.suite}: CLNP units kept and validation accuracy against alpha`, subtitle: 'after the first task; mean over runs' },
      hconcat: [
        panel(kept, 'units kept after task 1', 'units kept', layerNames, LAYER_COLORS.slice(0, layers), true),
        panel(acc, 'val acc, task 1 (%)', 'validation accuracy', [BEFORE, AFTER], ['#999999', '#222222'], false),
      ],
      resolve: { scale: { color: 'independent' } },
    },
  };
}
