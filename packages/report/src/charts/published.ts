/**
 * Published vs measured, per method: the paper's mean as a black diamond with a grey bar for
 * ± its std, beside our runs (dots), our mean (tick) and our 95 % CI (bar) in the method's
 * colour. Methods in the order of the published table, ours-only methods after them.
 */
import type { Published } from '@clbench/core';
import type { SuiteAggregate } from '../aggregate.js';
import { METRIC_TITLES } from '../metric-names.js';
import { comparePublished } from '../published.js';
import { CONFIG, SCHEMA, methodColor, num, slug, type Chart } from './common.js';

const PUBLISHED = 'published', OURS = 'clbench';

export function publishedChart(suite: SuiteAggregate, published: Published, labels: string[]): Chart {
  const compared = comparePublished(suite, published);
  const order = compared.map((r) => r.label);
  const paper = compared.flatMap((r) => (r.published ? [{
    method: r.label, source: PUBLISHED, mean: r.published.mean, runs: r.published.runs ?? null,
    lo: r.published.std === undefined ? null : r.published.mean - r.published.std,
    hi: r.published.std === undefined ? null : r.published.mean + r.published.std,
  }] : []));
  const ours = compared.flatMap((r) => (r.ours ? [{ method: r.label, source: OURS, mean: num(r.ours.mean), lo: num(r.ours.mean - r.ours.ci95), hi: num(r.ours.mean + r.ours.ci95), runs: r.ours.n }] : []));
  const metric = published.metric;
  // runs where the metric is undefined (FWT with one head per task is null) draw no dot
  const runs = suite.methods.filter((m) => order.includes(m.label)).flatMap((m) => m.runs.flatMap((r) => {
    const v = r.metrics[metric];
    return v === null ? [] : [{ method: m.label, source: OURS, value: 100 * v, seed: r.seed, ordering: r.ordering.join(',') }];
  }));

  const unit = metric === 'acc' ? '%' : 'pp';
  const scale = { zero: false, padding: 8, ...(metric === 'acc' ? { domainMax: 100, clamp: true, nice: true } : {}) };
  const y = (field: string) => ({ field, type: 'quantitative' as const, title: `${METRIC_TITLES[metric]} (${unit})`, scale });
  const x = {
    x: { field: 'method', type: 'nominal' as const, title: 'method', sort: order, axis: { labelAngle: -30 } },
    xOffset: { field: 'source', type: 'nominal' as const, sort: [PUBLISHED, OURS], scale: { domain: [PUBLISHED, OURS] } },
  };
  const color = methodColor(labels);
  const shape = { field: 'source', type: 'nominal' as const, title: null, scale: { domain: [PUBLISHED], range: ['diamond'] }, legend: { labelExpr: "'published mean ± std'" } };
  const fmt = '.2f';
  const description = `left of each method: the published mean (diamond) ± std (grey bar); right: our runs (dots), mean (tick) and 95% CI (bar); source: ${published.citation.authors} ${published.citation.year}, ${published.citation.table}`;
  return {
    name: `${slug(suite.suite)}-published`, suite: suite.suite, title: 'published vs measured', description,
    spec: {
      $schema: SCHEMA, config: CONFIG,
      title: { text: `${suite.suite}: published vs measured`, subtitle: `${published.citation.authors} ${published.citation.year}, ${published.citation.table}` },
      width: Math.max(240, 56 * order.length), height: 260,
      // a layer whose data is empty makes vega warn "Infinite extent": leave such layers out
      layer: [
        ...(paper.some((p) => p.lo !== null) ? [{
          data: { values: paper }, transform: [{ filter: 'isValid(datum.lo)' }],
          mark: { type: 'rule' as const, color: '#888', strokeWidth: 3 }, encoding: { ...x, y: y('lo'), y2: { field: 'hi' } },
        }] : []),
        {
          data: { values: paper }, mark: { type: 'point' as const, filled: true, color: '#222', size: 80, opacity: 1 },
          encoding: {
            ...x, y: y('mean'), shape,
            tooltip: [{ field: 'method' }, { field: 'mean', title: 'published mean', format: fmt }, { field: 'lo', title: '− std', format: fmt }, { field: 'hi', title: '+ std', format: fmt }, { field: 'runs' }],
          },
        },
        ...(runs.length ? [{
          data: { values: runs }, mark: { type: 'circle' as const, size: 24, opacity: 0.45 },
          encoding: { ...x, y: y('value'), color, tooltip: [{ field: 'method' }, { field: 'seed' }, { field: 'ordering' }, { field: 'value', format: fmt }] },
        }] : []),
        ...(ours.some((r) => r.lo !== null && r.hi !== null) ? [{
          data: { values: ours }, transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }],
          mark: { type: 'rule' as const, strokeWidth: 2 }, encoding: { ...x, y: y('lo'), y2: { field: 'hi' }, color },
        }] : []),
        ...(ours.length ? [{
          data: { values: ours }, transform: [{ filter: 'isValid(datum.mean)' }], mark: { type: 'tick' as const, thickness: 3, size: 16, opacity: 1 },
          encoding: {
            ...x, y: y('mean'), color,
            tooltip: [{ field: 'method' }, { field: 'mean', title: 'our mean', format: fmt }, { field: 'lo', title: 'CI low', format: fmt }, { field: 'hi', title: 'CI high', format: fmt }, { field: 'runs' }],
          },
        }] : []),
      ],
    },
  };
}
