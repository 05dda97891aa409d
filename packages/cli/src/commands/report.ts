/** `clbench report`: aggregate one or more results directories into a report directory. */
import { mergeResults, rowNotes, writeReport } from '@clbench/report';
import { InputError, mergePublished, readResults } from '@clbench/runner';
import { join } from 'node:path';
import { parse, UsageError, type Command } from '../args.js';

const USAGE = 'usage: clbench report RESULTS_DIR [RESULTS_DIR ...] --out REPORT_DIR [--latest] [--strict] [--vendor DIR] [--no-png]';
const HELP = `${USAGE}

Aggregates every run of the results directories (merged; a run id present twice is kept once)
over seeds × orderings into one row per suite, label and configuration (the run's config minus
seed and ordering, plus the code version). A label whose runs have several configurations (an
older code version, changed hyper-parameters) becomes several rows named by what differs, e.g.
clnp[alpha=1e-5] or clnp@0.2.0, and the report says so at the top.

  --latest   keep only the newest code version of each label (older runs are listed as left out)
  --strict   refuse (exit 2) when a label has several configurations
  --vendor DIR  index.html loads vega, vega-lite and vega-embed from DIR (copied there once, as
             PACKAGE-VERSION.min.js; a file already there is not rewritten) by a path relative to
             REPORT_DIR, instead of inlining them (~830 KB): for many reports in one tree, e.g.
             the published reports/SUITE with --vendor reports/vendor. Keep DIR beside the reports.
  --no-png   no NAME.png (summary.md then shows the SVGs); an old NAME.png in REPORT_DIR is removed

Writes to REPORT_DIR:
  index.html       page with interactive charts (opens offline from file://); self-contained
                   unless --vendor
  summary.md       tables (mean ± 95% CI) and the charts (PNG; SVG with --no-png); for a suite that
                   carries published numbers (DIR/published/SUITE.json, written by \`clbench run\`),
                   published vs measured per method with a verdict
  aggregate.json   the statistics, machine-readable
  NAME.vl.json / NAME.svg / NAME.png   each chart as a Vega-Lite spec, SVG and PNG (no PNG with --no-png)`;

export const report: Command = {
  summary: 'aggregate results directories into a report (index.html, summary.md, charts)',
  async run(argv) {
    const { values, positionals } = parse(argv, { out: { type: 'string', short: 'o' }, latest: { type: 'boolean' }, strict: { type: 'boolean' }, vendor: { type: 'string' }, 'no-png': { type: 'boolean' } }, USAGE);
    if (values.help) { console.log(HELP); return 0; }
    if (positionals.length === 0 || !values.out) throw new UsageError(USAGE);
    const lists = positionals.map((dir: string) => {
      let rs;
      try { rs = readResults(dir); } catch (e) { throw new InputError((e as Error).message); }
      if (rs.length === 0) throw new InputError(`${dir}: no run results in runs/`);
      return rs;
    });
    const { results, duplicates } = mergeResults(lists);
    let published;
    try { published = mergePublished(positionals); } catch (e) { throw new InputError((e as Error).message); }
    let out;
    try { out = await writeReport(results, values.out, { resultsDirs: positionals, duplicates, published, latest: values.latest, strict: values.strict, vendor: values.vendor, png: !values['no-png'] }); } catch (e) { throw new InputError((e as Error).message); }
    for (const w of out.warnings) console.error(`report: warning: ${w}`);
    for (const n of rowNotes(out.agg)) console.error(`report: note: ${n}`);
    console.error(`report: ${out.agg.runs} runs (${out.agg.failed.length} failed), ${out.charts.length} charts in ${(out.timings.total / 1000).toFixed(1)} s → ${join(values.out, 'index.html')}`);
    return 0;
  },
};
