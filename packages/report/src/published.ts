/**
 * Published vs measured: for a suite that carries published numbers (suite field
 * `published`), one row per method label with the paper's mean ± std (n), ours
 * mean ± 95 % CI (n), the difference and a verdict.
 *
 * Verdict. d = ours − published (percent); s = the published std, h = our 95 % CI half-width,
 * each counted only where it exists (a paper may give no std; one run has no CI); tolerance
 * = max(s, h).
 *   |d| ≤ s                 "within"         our mean lies inside the published spread
 *   s < |d| ≤ h             "within our CI"  consistent only because our CI is wide: more runs needed to tell
 *   d > max(s, h)           "above"
 *   d < −max(s, h)          "below"
 *   neither s nor h exists  "no spread"
 * The published std is the spread of single runs in the paper, so a faithful reproduction's
 * mean lands inside it; our CI covers the uncertainty of our own mean when we have few runs.
 */
import type { Published, PublishedRow } from '@clbench/core';
import type { SuiteAggregate } from './aggregate.js';
import { METRIC_TITLES } from './metric-names.js';
import type { Stat } from './stats.js';
import type { Table } from './tables.js';

export type Verdict = 'within' | 'within our CI' | 'above' | 'below' | 'no spread' | 'not run' | 'ours only';

export interface PublishedComparison {
  label: string;
  /** undefined: a method of ours with no published number */
  published?: PublishedRow;
  /** our runs, in percent (undefined: the published method has no successful run here) */
  ours?: Stat;
  /** ours − published, percent */
  difference: number;
  /** max(published std, our CI half-width), NaN when neither exists */
  tolerance: number;
  verdict: Verdict;
}

const finite = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x);

/** The verdict for one method; see the file comment. */
export function verdictOf(published: PublishedRow, ours: Stat): { difference: number; tolerance: number; verdict: Verdict } {
  const difference = ours.mean - published.mean;
  const spreads = [published.std, ours.ci95].filter(finite);
  const tolerance = spreads.length ? Math.max(...spreads) : NaN;
  if (!Number.isFinite(tolerance)) return { difference, tolerance, verdict: 'no spread' };
  const distance = Math.abs(difference);
  const verdict = finite(published.std) && distance <= published.std ? 'within' : distance <= tolerance ? 'within our CI' : difference > 0 ? 'above' : 'below';
  return { difference, tolerance, verdict };
}

/** Scale a stat of fractions to percent. */
const percent = (s: Stat): Stat => ({ n: s.n, mean: 100 * s.mean, std: 100 * s.std, ci95: 100 * s.ci95 });

/**
 * Rows in the order of the published table, then our methods without a published number
 * (sorted). Matched by the label the runs carry (`runLabel`); a label measured in several
 * configurations (several report rows, e.g. ewc@0.2.0 and ewc) gives a row each, named as in the report.
 */
export function comparePublished(suite: SuiteAggregate, published: Published): PublishedComparison[] {
  const rows: PublishedComparison[] = [];
  for (const [label, row] of Object.entries(published.methods)) {
    const measured = suite.methods.filter((m) => m.runLabel === label && m.runs.length > 0);
    if (!measured.length) rows.push({ label, published: row, difference: NaN, tolerance: NaN, verdict: 'not run' });
    for (const m of measured) {
      const ours = percent(m.metrics[published.metric]);
      rows.push({ label: m.label, published: row, ours, ...verdictOf(row, ours) });
    }
  }
  for (const m of suite.methods) {
    if (published.methods[m.runLabel] || !m.runs.length) continue;
    rows.push({ label: m.label, ours: percent(m.metrics[published.metric]), difference: NaN, tolerance: NaN, verdict: 'ours only' });
  }
  return rows;
}

/** One line naming the source, e.g. "Hsu, Liu, Ramasamy, Kira 2018, Re-evaluating …, Table 2 (arXiv:1810.12488)". */
export function citationLine(p: Published): string {
  const c = p.citation;
  return `${c.authors} ${c.year}, "${c.title}", ${c.table} (${c.id})`;
}

export function metricLine(p: Published): string {
  return `Metric: ${METRIC_TITLES[p.metric]}, in ${p.metric === 'acc' ? '%' : 'percentage points'}.`;
}

export const VERDICT_NOTE = 'difference = ours − published; tolerance = max(published std, our 95% CI half-width), each where it exists. Verdict: "within" if |difference| ≤ the published std (our mean inside the published spread); "within our CI" if it exceeds the published std but not our CI half-width (consistent only because we have too few runs to tell); otherwise "above" or "below"; "no spread" when neither a published std nor our CI (≥ 2 runs) exists.';

const fmt = (x: number | undefined) => (finite(x) ? x.toFixed(2) : 'n/a');
const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}` : '–');

function publishedCell(p: PublishedRow | undefined): string {
  if (!p) return '–';
  return `${p.mean.toFixed(2)}${finite(p.std) ? ` ± ${p.std.toFixed(2)}` : ''} (${p.runs ?? '?'})`;
}

const oursCell = (s: Stat | undefined) => (s ? `${fmt(s.mean)} ± ${fmt(s.ci95)} (${s.n})` : '–');

export function publishedTable(rows: PublishedComparison[]): Table {
  return {
    header: ['method', 'published mean ± std (runs)', 'ours mean ± 95% CI (runs)', 'difference', 'tolerance', 'verdict'],
    numeric: [false, true, true, true, true, false],
    rows: rows.map((r) => [r.label, publishedCell(r.published), oursCell(r.ours), signed(r.difference), Number.isFinite(r.tolerance) ? r.tolerance.toFixed(2) : '–', r.verdict]),
  };
}

/** "label: note" for every published row with a note. */
export const publishedNotes = (p: Published) => Object.entries(p.methods).flatMap(([label, r]) => (r.note ? [`${label}: ${r.note}`] : []));
