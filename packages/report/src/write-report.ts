/**
 * A report directory: index.html, summary.md, aggregate.json, and per chart NAME.vl.json,
 * NAME.svg and (unless `png: false`) NAME.png. With `vendor`, index.html loads the chart
 * libraries from that shared directory instead of inlining them (see vendor.ts). Compiler and
 * renderer warnings are returned (the tests require none).
 */
import type { Published, RunResult } from '@clbench/core';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aggregate, type Aggregate, type AggregateOptions, type SuiteAggregate } from './aggregate.js';
import { buildCharts } from './charts.js';
import type { Chart } from './charts/common.js';
import { capacityRows } from './clnp-capacity.js';
import { reuseRows } from './clnp-reuse.js';
import { sweepGroups } from './clnp-sweep.js';
import { compileSpec } from './compile.js';
import { environment, type Environment } from './environment.js';
import { keepLatestWithTuning } from './latest.js';
import { protocols, type Protocol } from './protocol.js';
import { reportHtml } from './html.js';
import { comparePublished } from './published.js';
import { summaryMarkdown } from './markdown.js';
import { renderPngAsync, renderSvg } from './render.js';
import { writeVendor } from './vendor.js';

export interface WriteReportOptions extends AggregateOptions {
  /** shown in the environment block */
  resultsDirs: string[];
  /** run ids found in more than one results directory (see mergeResults) */
  duplicates?: number;
  /** suite name → published numbers (readPublished of the results directories) */
  published?: Record<string, Published>;
  /** where to read the git commit (default: the current directory) */
  cwd?: string;
  now?: Date;
  /** also write NAME.png per chart (default true); without, summary.md shows the SVGs */
  png?: boolean;
  /** a directory for one shared copy of vega, vega-lite and vega-embed, which index.html then loads by relative path (default: inlined) */
  vendor?: string;
}

export interface ReportOutput {
  dir: string;
  files: string[];
  charts: Chart[];
  env: Environment;
  /** the statistics the report shows (after --latest) */
  agg: Aggregate;
  /** "chart: message" for every vega-lite or vega warning */
  warnings: string[];
  /** milliseconds per phase */
  timings: { aggregate: number; compile: number; svg: number; png: number; write: number; total: number };
}

/** CLNP's capacity forecast, reuse and sparsity sweep, each only where the suite's runs carry it (fractions; NaN → null). */
function clnpJson(s: SuiteAggregate) {
  const parts = { capacity: capacityRows(s), reuse: reuseRows(s), sweeps: sweepGroups(s) };
  const present = Object.entries(parts).filter(([, rows]) => rows.length);
  return present.length ? { clnp: Object.fromEntries(present) } : {};
}

/** aggregate.json: the statistics without the raw runs (NaN → null), each suite's protocol (selection, budget), published vs measured, and CLNP's capacity, reuse and sweeps. */
function aggregateJson(agg: Aggregate, protocols: Map<string, Protocol>, published: Record<string, Published>) {
  return {
    protocols: [...protocols.values()],
    // published vs measured per suite that carries published numbers (percent; NaN → null)
    published: Object.fromEntries(agg.suites.filter((s) => published[s.suite]).map((s) => [s.suite, {
      citation: published[s.suite].citation, metric: published[s.suite].metric, comparison: comparePublished(s, published[s.suite]),
    }])),
    runs: agg.runs, labels: agg.labels, splits: agg.splits, leftOut: agg.leftOut, failed: agg.failed.map((r) => ({ runId: r.runId, suite: r.suite, label: r.label, seed: r.seed, ordering: r.ordering, error: r.error })),
    suites: agg.suites.map((s) => ({
      suite: s.suite, tasks: s.tasks, paired: s.paired, ...clnpJson(s),
      methods: s.methods.map(({ runs, failed, ...m }) => ({ ...m, runIds: runs.map((r) => r.runId), failedRunIds: failed.map((r) => r.runId) })),
    })),
  };
}

export async function writeReport(results: RunResult[], dir: string, opts: WriteReportOptions): Promise<ReportOutput> {
  if (!results.length) throw new Error('no run results to report');
  const t0 = performance.now();
  // Tuning runs (validation scores of grid points) appear only in the selection tables.
  const reporting = results.filter((r) => r.stage !== 'tuning');
  if (!reporting.length) throw new Error('only tuning runs so far: run the reporting stage (`clbench run` again) before reporting');
  const agg = aggregate(reporting, { latest: opts.latest, strict: opts.strict });
  const published = opts.published ?? {};
  const charts = buildCharts(agg, published);
  const env = environment(agg.suites.flatMap((s) => s.methods), { resultsDirs: opts.resultsDirs, cwd: opts.cwd, now: opts.now });
  const t1 = performance.now();
  const warnings: string[] = [];
  const compiled = charts.map((c) => {
    const { vega, warnings: w } = compileSpec(c.spec);
    warnings.push(...w.map((m) => `${c.name}: ${m}`));
    return vega;
  });
  const t2 = performance.now();
  const svgs: string[] = [];
  for (const [i, c] of charts.entries()) {
    const { svg, warnings: w } = await renderSvg(compiled[i]);
    warnings.push(...w.map((m) => `${c.name}: ${m}`));
    svgs.push(svg);
  }
  const t3 = performance.now();
  const png = opts.png ?? true;
  const pngs = png ? await Promise.all(svgs.map((svg) => renderPngAsync(svg))) : [];
  const t4 = performance.now();

  mkdirSync(dir, { recursive: true });
  const vendorScripts = opts.vendor === undefined ? undefined : writeVendor(opts.vendor, dir).scripts;
  const files: string[] = [];
  const write = (name: string, data: string | Buffer) => { writeFileSync(join(dir, name), data); files.push(name); };
  for (const [i, c] of charts.entries()) {
    write(`${c.name}.vl.json`, JSON.stringify(c.spec, null, 1) + '\n');
    write(`${c.name}.svg`, svgs[i]);
    if (png) write(`${c.name}.png`, pngs[i]);
    else rmSync(join(dir, `${c.name}.png`), { force: true }); // a PNG left from an earlier report would show stale numbers
  }
  const content = { agg, charts, env, duplicates: opts.duplicates ?? 0, protocols: protocols(opts.latest ? keepLatestWithTuning(results) : results), published, png, vendorScripts };
  write('summary.md', summaryMarkdown(content));
  write('aggregate.json', JSON.stringify(aggregateJson(agg, content.protocols, published), null, 1) + '\n');
  write('index.html', reportHtml(content));
  const t5 = performance.now();
  return {
    dir, files, charts, env, agg, warnings,
    timings: { aggregate: t1 - t0, compile: t2 - t1, svg: t3 - t2, png: t4 - t3, write: t5 - t4, total: t5 - t0 },
  };
}
