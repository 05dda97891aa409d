/** summary.md: one row per (suite, method label), metrics as mean ± std over runs. */
import type { RunResult } from '@clbench/core';
import { stat } from './stats.js';

const pct = (xs: number[]) => { const s = stat(xs.map((x) => 100 * x)); return s.n ? `${s.mean.toFixed(2)} ± ${s.std.toFixed(2)}` : '–'; };

export function summaryMarkdown(results: RunResult[]): string {
  const groups = new Map<string, RunResult[]>();
  for (const r of results) { const k = `${r.suite}\u0000${r.label}`; groups.set(k, [...(groups.get(k) ?? []), r]); }
  const lines = ['# clbench summary', '', 'Metrics in percentage points, mean ± std over seeds × orderings. ACC = final average accuracy; BWT = backward transfer; forgetting = mean drop from the best earlier accuracy.', '',
    '| suite | method | runs | failed | ACC | BWT | forgetting | FWT | samples/s |', '|---|---|---|---|---|---|---|---|---|'];
  for (const [k, rs] of groups) {
    const [suite, label] = k.split('\u0000');
    const ok = rs.flatMap((r) => (r.status === 'ok' ? [r] : []));
    const sps = stat(ok.map((r) => r.timing.samplesPerSecond));
    lines.push(`| ${suite} | ${label} | ${ok.length} | ${rs.length - ok.length} | ${pct(ok.map((r) => r.metrics.acc))} | ${pct(ok.map((r) => r.metrics.bwt))} | ${pct(ok.map((r) => r.metrics.forgetting))} | ${pct(ok.map((r) => r.metrics.fwt))} | ${ok.length ? sps.mean.toFixed(0) : '–'} |`);
  }
  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length) lines.push('', '## Failed runs', '', ...failed.map((r) => `- ${r.label} seed ${r.seed} ordering [${r.ordering.join(', ')}] (${r.runId}): ${r.status === 'failed' ? r.error : ''}`));
  return lines.join('\n') + '\n';
}
