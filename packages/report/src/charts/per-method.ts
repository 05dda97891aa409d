/**
 * Per-method summaries drawn the same way: one dot per run, a tick at the mean and a rule
 * for the 95 % Student-t CI (absent when a method has a single run). ACC, BWT /
 * forgetting, wall time and samples/s.
 */
import type { MethodAggregate, SuiteAggregate } from '../aggregate.js';
import type { Stat } from '../stats.js';
import { CONFIG, SCHEMA, methodColor, num, pct, slug, type Chart } from './common.js';

interface SummaryRow { method: string; group: string; mean: number | null; lo: number | null; hi: number | null; n: number }
interface RunRow { method: string; group: string; value: number | null; seed: number; ordering: string }

interface Series {
  group: string;
  /** scale a raw value to what is plotted (percent, seconds, …) */
  scale: (x: number) => number | null;
  stat: (m: MethodAggregate) => Stat;
  value: (r: MethodAggregate['runs'][number]) => number;
}

function rows(suite: SuiteAggregate, series: Series[]) {
  const summary: SummaryRow[] = [];
  const runs: RunRow[] = [];
  for (const s of series) for (const m of suite.methods) {
    const st = s.stat(m);
    summary.push({ method: m.label, group: s.group, mean: s.scale(st.mean), lo: s.scale(st.mean - st.ci95), hi: s.scale(st.mean + st.ci95), n: st.n });
    for (const r of m.runs) runs.push({ method: m.label, group: s.group, value: s.scale(s.value(r)), seed: r.seed, ordering: r.ordering.join(',') });
  }
  return { summary, runs };
}

function pointCiChart(o: {
  suite: SuiteAggregate; labels: string[]; kind: string; title: string; subtitle: string; yTitle: string;
  series: Series[]; zero: boolean; format: string; zeroRule?: boolean;
  /** axis limits the quantity cannot cross (accuracy ≤ 100 %, times ≥ 0); CI bars are clipped there */
  domainMin?: number;
  domainMax?: number;
}): Chart {
  const { summary, runs } = rows(o.suite, o.series);
  const grouped = o.series.length > 1;
  const x = grouped
    ? { x: { field: 'group', type: 'nominal' as const, title: null, sort: o.series.map((s) => s.group), axis: { labelAngle: 0, labelFontSize: 12 } },
      xOffset: { field: 'method', type: 'nominal' as const, sort: o.labels } }
    : { x: { field: 'method', type: 'nominal' as const, title: 'method', sort: o.labels, axis: { labelAngle: -30 } } };
  const bounded = o.domainMin !== undefined || o.domainMax !== undefined;
  const scale = { zero: o.zero, ...(o.zero ? {} : { padding: 8 }), ...(bounded ? { domainMin: o.domainMin, domainMax: o.domainMax, clamp: true, nice: true } : {}) };
  const y = (field: string) => ({ field, type: 'quantitative' as const, title: o.yTitle, scale });
  const color = methodColor(o.labels);
  const n = o.suite.methods.length * o.series.length;
  return {
    name: `${slug(o.suite.suite)}-${o.kind}`, suite: o.suite.suite, title: o.title, description: o.subtitle,
    spec: {
      $schema: SCHEMA, config: CONFIG,
      title: { text: `${o.suite.suite}: ${o.title}`, subtitle: o.subtitle },
      width: Math.max(240, 48 * n), height: 260,
      // a layer whose data is empty makes vega warn "Infinite extent": leave such layers out
      layer: [
        ...(o.zeroRule ? [{ data: { values: [{ zero: 0 }] }, mark: { type: 'rule' as const, color: '#888', strokeDash: [4, 3] }, encoding: { y: y('zero') } }] : []),
        {
          data: { values: runs }, mark: { type: 'circle' as const, size: 24, opacity: 0.45 },
          encoding: { ...x, y: y('value'), color, tooltip: [{ field: 'method' }, { field: 'group', title: 'metric' }, { field: 'seed' }, { field: 'ordering' }, { field: 'value', format: o.format }] },
        },
        ...(summary.some((r) => r.lo !== null && r.hi !== null) ? [{
          data: { values: summary }, transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }],
          mark: { type: 'rule' as const, strokeWidth: 2 }, encoding: { ...x, y: y('lo'), y2: { field: 'hi' }, color },
        }] : []),
        {
          data: { values: summary }, transform: [{ filter: 'isValid(datum.mean)' }], mark: { type: 'tick' as const, thickness: 3, size: grouped ? 14 : 26, opacity: 1 },
          encoding: {
            ...x, y: y('mean'), color,
            tooltip: [{ field: 'method' }, { field: 'group', title: 'metric' }, { field: 'mean', format: o.format }, { field: 'lo', title: 'CI low', format: o.format }, { field: 'hi', title: 'CI high', format: o.format }, { field: 'n', title: 'runs' }],
          },
        },
      ],
    },
  };
}

const CI_NOTE = 'dots: runs (seeds × orderings); tick: mean; bar: 95% CI (Student t)';

export function accChart(suite: SuiteAggregate, labels: string[]): Chart {
  return pointCiChart({
    suite, labels, kind: 'acc', title: 'final average accuracy (ACC)', subtitle: CI_NOTE, yTitle: 'ACC (%)', zero: false, domainMax: 100, format: '.2f',
    series: [{ group: 'ACC', scale: pct, stat: (m) => m.metrics.acc, value: (r) => r.metrics.acc }],
  });
}

export function bwtForgettingChart(suite: SuiteAggregate, labels: string[]): Chart {
  return pointCiChart({
    suite, labels, kind: 'bwt-forgetting', title: 'backward transfer and forgetting', subtitle: `${CI_NOTE}; BWT < 0 and forgetting > 0 mean lost accuracy`,
    yTitle: 'percentage points', zero: true, zeroRule: true, format: '.2f',
    series: [
      { group: 'BWT', scale: pct, stat: (m) => m.metrics.bwt, value: (r) => r.metrics.bwt },
      { group: 'forgetting', scale: pct, stat: (m) => m.metrics.forgetting, value: (r) => r.metrics.forgetting },
    ],
  });
}

export function wallTimeChart(suite: SuiteAggregate, labels: string[]): Chart {
  return pointCiChart({
    suite, labels, kind: 'wall-time', title: 'wall time per run', subtitle: CI_NOTE, yTitle: 'wall time per run (s)', zero: true, domainMin: 0, format: '.3~g',
    series: [{ group: 'wall time', scale: num, stat: (m) => m.wallSeconds, value: (r) => r.timing.wallSeconds }],
  });
}

export function throughputChart(suite: SuiteAggregate, labels: string[]): Chart {
  return pointCiChart({
    suite, labels, kind: 'samples-per-second', title: 'training throughput', subtitle: CI_NOTE, yTitle: 'training samples / s', zero: true, domainMin: 0, format: '.4~g',
    series: [{ group: 'samples/s', scale: num, stat: (m) => m.samplesPerSecond, value: (r) => r.timing.samplesPerSecond }],
  });
}
