/**
 * The report's tables as plain rows of strings, rendered to Markdown (summary.md) and HTML
 * (index.html) alike. Cells read "mean ± h" with h the 95 % Student-t CI half-width;
 * a single run has no CI ("n/a").
 */
import type { Aggregate, MethodAggregate, SuiteAggregate } from './aggregate.js';
import { METRIC_TITLES, shownMetrics, type MetricName } from './metric-names.js';
import type { TunedEntry } from './protocol.js';
import { pruningLoss } from './pruning-loss.js';
import type { Stat } from './stats.js';

export interface Table { header: string[]; rows: string[][]; numeric: boolean[] }

const fmt = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const signed = (x: number, digits: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}` : 'n/a');

/** "mean ± ci" with values multiplied by `scale` (100 for percent); "–" without runs. */
export function meanCi(s: Stat, scale = 1, digits = 2): string {
  if (s.n === 0) return '–';
  return `${fmt(s.mean * scale, digits)} ± ${fmt(s.ci95 * scale, digits)}`;
}

const sigDigits = (s: Stat) => (Math.abs(s.mean) >= 100 ? 0 : Math.abs(s.mean) >= 1 ? 2 : 3);

const METRIC_HEADERS: Record<MetricName, string> = { acc: 'ACC (%)', bwt: 'BWT (pp)', fwt: 'FWT (pp)', forgetting: 'forgetting (pp)' };

/** The suite's metrics (FWT only where a shared head defines it, core/metrics.ts). */
const metricsOf = (suite: SuiteAggregate) => shownMetrics(suite.methods.flatMap((m) => m.runs));

/** Pruning loss per method (pruning-loss.ts), or null when no method of the suite records it. */
function pruningLosses(suite: SuiteAggregate): Stat[] | null {
  const losses = suite.methods.map(pruningLoss);
  return losses.some((s) => s.n > 0) ? losses : null;
}

export function methodTable(suite: SuiteAggregate): Table {
  const metrics = metricsOf(suite), pruning = pruningLosses(suite);
  return {
    header: ['method', 'runs', 'failed', ...metrics.map((k) => METRIC_HEADERS[k]), ...(pruning ? ['pruning loss (pp)'] : []), 'wall time (s)', 'gradient steps', 'samples/s', 'peak RSS (MiB)'],
    numeric: [false, true, true, ...metrics.map(() => true), ...(pruning ? [true] : []), true, true, true, true],
    rows: suite.methods.map((m, i) => [
      m.label, String(m.runs.length), String(m.failed.length),
      ...metrics.map((k) => meanCi(m.metrics[k], 100)),
      ...(pruning ? [meanCi(pruning[i], 100)] : []),
      meanCi(m.wallSeconds, 1, sigDigits(m.wallSeconds)), meanCi(m.steps, 1, 0), meanCi(m.samplesPerSecond, 1, sigDigits(m.samplesPerSecond)),
      meanCi({ ...m.peakRssBytes, mean: m.peakRssBytes.mean / 2 ** 20, ci95: m.peakRssBytes.ci95 / 2 ** 20 }, 1, 0),
    ]),
  };
}

/** Long format: one row per method × quantity with n, mean, std and the CI bounds. */
export function detailTable(suite: SuiteAggregate): Table {
  const rows: string[][] = [];
  const quantities: [string, (m: MethodAggregate) => Stat, number, number][] = [
    ...metricsOf(suite).map((k) => [`${METRIC_TITLES[k]} (%)`, (m: MethodAggregate) => m.metrics[k], 100, 2] as [string, (m: MethodAggregate) => Stat, number, number]),
    ...(pruningLosses(suite) ? [['pruning loss (pp)', pruningLoss, 100, 2] as [string, (m: MethodAggregate) => Stat, number, number]] : []),
    ['wall time (s)', (m) => m.wallSeconds, 1, 3],
    ['samples/s', (m) => m.samplesPerSecond, 1, 0],
  ];
  for (const m of suite.methods) for (const [name, get, scale, digits] of quantities) {
    const s = get(m);
    rows.push([m.label, name, String(s.n), fmt(s.mean * scale, digits), fmt(s.std * scale, digits),
      Number.isFinite(s.ci95) ? `[${fmt((s.mean - s.ci95) * scale, digits)}, ${fmt((s.mean + s.ci95) * scale, digits)}]` : 'n/a (needs ≥ 2 runs)']);
  }
  return { header: ['method', 'quantity', 'n', 'mean', 'std', '95% CI'], numeric: [false, false, true, true, true, false], rows };
}

/** One tuned method entry: every grid point's validation ACC over its tuning runs; ✓ = used by the reporting runs. */
export function tuningTable(e: TunedEntry): Table {
  return {
    header: ['configuration', 'tuning runs', 'failed', 'validation ACC (%)', 'chosen'],
    numeric: [false, true, true, true, false],
    rows: e.points.map((p) => [p.label, String(p.runs), String(p.failed), meanCi(p.score, 100), p.chosen ? '✓' : '']),
  };
}

export function pairedTable(suite: SuiteAggregate): Table {
  const metrics = metricsOf(suite); // no ΔFWT column where FWT is undefined
  return {
    header: ['CLNP', 'baseline', 'pairs', ...metrics.map((k) => `Δ${k === 'forgetting' ? 'forgetting' : k.toUpperCase()} (pp) [95% CI]`)],
    numeric: [false, false, true, ...metrics.map(() => true)],
    rows: suite.paired.map((p) => [p.clnp, p.baseline, p.unpaired ? `${p.pairs} (${p.unpaired} unpaired runs)` : String(p.pairs), ...metrics.map((k) => {
      const d = p.diffs[k];
      if (d.n === 0) return '–';
      if (!Number.isFinite(d.ci95)) return `${signed(100 * d.mean, 2)} [n/a]`;
      const [lo, hi] = [100 * (d.mean - d.ci95), 100 * (d.mean + d.ci95)];
      return `${signed(100 * d.mean, 2)} [${signed(lo, 2)}, ${signed(hi, 2)}]${lo > 0 || hi < 0 ? ' *' : ''}`;
    })]),
  };
}

/** The failed runs, each named by the label of its row (which shows its configuration when its label is split). */
export function failedTable(agg: Aggregate): Table {
  const rowLabel = new Map(agg.suites.flatMap((s) => s.methods.flatMap((m) => m.failed.map((r) => [r.runId, m.label] as const))));
  return {
    header: ['suite', 'method', 'seed', 'ordering', 'run id', 'error'],
    numeric: [false, false, true, false, false, false],
    rows: agg.failed.map((r) => [r.suite, rowLabel.get(r.runId) ?? r.label, String(r.seed), `[${r.ordering.join(', ')}]`, r.runId, r.error.split('\n')[0].slice(0, 300)]),
  };
}

export function markdownTable(t: Table): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${t.header.map(cell).join(' | ')} |`,
    `|${t.numeric.map((n) => (n ? '---:' : '---')).join('|')}|`,
    ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function htmlTable(t: Table): string {
  const td = (tag: string, s: string, i: number) => `<${tag}${t.numeric[i] ? ' class="num"' : ''}>${escapeHtml(s)}</${tag}>`;
  return `<table><thead><tr>${t.header.map((h, i) => td('th', h, i)).join('')}</tr></thead><tbody>${t.rows.map((r) => `<tr>${r.map((c, i) => td('td', c, i)).join('')}</tr>`).join('')}</tbody></table>`;
}
