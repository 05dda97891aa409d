/** summary.md: the environment block, per suite the method and paired-difference tables and the charts (PNG, or SVG when the report writes no PNG), failed runs. */
import type { Published } from '@clbench/core';
import type { Aggregate, SuiteAggregate } from './aggregate.js';
import type { Chart } from './charts/common.js';
import { environmentLines, type Environment } from './environment.js';
import { protocolLines, type Protocol } from './protocol.js';
import { citationLine, comparePublished, metricLine, publishedNotes, publishedTable, VERDICT_NOTE } from './published.js';
import { clnpSections } from './clnp-tables.js';
import { detailTable, failedTable, markdownTable, methodTable, pairedTable, tuningTable } from './tables.js';

export interface ReportContent {
  agg: Aggregate;
  charts: Chart[];
  env: Environment;
  /** run ids found in more than one results directory (kept once) */
  duplicates: number;
  /** per suite: selection on validation and step budget */
  protocols: Map<string, Protocol>;
  /** suite name → published numbers (from the results directories); none when absent */
  published?: Record<string, Published>;
  /** whether the report writes NAME.png beside NAME.svg (default true); summary.md shows the PNGs, else the SVGs */
  png?: boolean;
  /** index.html loads the chart libraries from these paths (relative to it) instead of inlining them (`--vendor`) */
  vendorScripts?: string[];
}

/** How the paired-differences table pairs runs (summary.md and index.html). */
export const PAIRING_NOTE = 'Paired by seed and task ordering, only between rows of the same data, network, training and code version, and only where both runs succeeded; * = the 95% CI excludes 0.';

export const METRICS_NOTE = 'ACC = mean accuracy over all tasks after the last one; BWT = mean change on earlier tasks between just after learning them and the end (negative = forgetting); FWT = accuracy on a task just before training it minus the random-initialisation accuracy, shown only with a shared head (with one head per task it would read an untrained head); forgetting = mean drop from the best accuracy since the task was learned to the end; pruning loss (pruning methods) = mean over tasks of test accuracy just before pruning minus just after consolidation, a cost BWT and forgetting cannot show because R[j][j] is measured after pruning. pp = percentage points. Cells are mean ± the half-width of the 95% Student-t confidence interval over seeds × orderings; a single run has no interval (n/a). Failed runs are listed, never averaged in.';

/**
 * The header's sentences on rows: labels that cover several configurations (shown as several
 * rows, issue 16) and runs left out by --latest. Empty when every label is one configuration.
 */
export function rowNotes(agg: Aggregate): string[] {
  const notes = agg.splits.map((s) => `Suite ${s.suite}: the runs labelled "${s.label}" have ${s.rows.length} different configurations (they differ in ${s.differs.join(', ')}), so they are shown as ${s.rows.length} rows: ${s.rows.join(', ')}.`);
  const strict = 'refuses to report a label with several configurations';
  if (agg.splits.some((s) => s.differs.includes('code version'))) notes.push(`\`clbench report --latest\` keeps only the newest code version of each label; \`--strict\` ${strict}.`);
  else if (agg.splits.length) notes.push(`\`clbench report --strict\` ${strict}.`);
  if (agg.leftOut.length) notes.push(`Left out by --latest (older code versions): ${agg.leftOut.map((l) => `${l.suite} / ${l.label} ${l.codeVersion} (${l.runs} run${l.runs === 1 ? '' : 's'})`).join(', ')}.`);
  return notes;
}


/** "### Published vs measured": source, metric, conversions, the table, row notes. */
function publishedSection(s: SuiteAggregate, p: Published): string[] {
  const notes = publishedNotes(p);
  return [
    '### Published vs measured', '',
    `Source: ${citationLine(p)}. ${metricLine(p)}${p.conversions ? ` Protocol: ${p.conversions}` : ''}`, '',
    `${VERDICT_NOTE}`, '',
    markdownTable(publishedTable(comparePublished(s, p))), '',
    ...(notes.length ? [...notes.map((n) => `- ${n}`), ''] : []),
  ];
}

export function summaryMarkdown({ agg, charts, env, duplicates, protocols, published = {}, png = true }: ReportContent): string {
  const ok = agg.runs - agg.failed.length;
  const out = [
    '# clbench report', '',
    `${agg.runs} runs (${ok} ok, ${agg.failed.length} failed) in ${agg.suites.length} suite${agg.suites.length === 1 ? '' : 's'}${duplicates ? `; ${duplicates} duplicate run files merged` : ''}. Interactive charts: [index.html](index.html).`, '',
    ...rowNotes(agg).flatMap((n) => [`> ${n}`, '']),
    METRICS_NOTE, '',
    '## Environment', '', '| | |', '|---|---|', ...environmentLines(env).map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`), '',
  ];
  for (const s of agg.suites) {
    const protocol = protocols.get(s.suite)!;
    out.push(`## ${s.suite} (${s.tasks} tasks)`, '', ...protocolLines(protocol).flatMap((l) => [l, '']), markdownTable(methodTable(s)), '');
    if (published[s.suite]) out.push(...publishedSection(s, published[s.suite]));
    out.push('### Paired differences CLNP − baseline', '');
    out.push(s.paired.length
      ? `${PAIRING_NOTE}\n\n${markdownTable(pairedTable(s))}`
      : 'No CLNP runs (method "clnp") in this suite, so no paired differences.', '');
    out.push('### Charts', '');
    for (const c of charts.filter((c) => c.suite === s.suite)) out.push(`**${c.title}** — ${c.description}.`, '', `![${c.title}](${c.name}.${png ? 'png' : 'svg'})`, '');
    for (const c of clnpSections(s)) out.push(`### CLNP: ${c.title.toLowerCase()}`, '', c.note, '', markdownTable(c.table), '');
    if (protocol.entries.length) {
      out.push('### Hyper-parameter selection (validation data of the tuning seeds)', '');
      for (const e of protocol.entries) out.push(`**${e.entry}**`, '', markdownTable(tuningTable(e)), '');
    }
    out.push('### Details', '', markdownTable(detailTable(s)), '');
  }
  out.push(`## Failed runs (${agg.failed.length})`, '', agg.failed.length ? markdownTable(failedTable(agg)) : 'None.', '');
  return out.join('\n');
}
