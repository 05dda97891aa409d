/** `clbench report`: aggregate one or more results directories into a report directory. */
import { mergeResults, writeReport } from '@clbench/report';
import { InputError, readResults } from '@clbench/runner';
import { join } from 'node:path';
import { parse, UsageError, type Command } from '../args.js';

const USAGE = 'usage: clbench report RESULTS_DIR [RESULTS_DIR ...] --out REPORT_DIR';
const HELP = `${USAGE}

Aggregates every run of the results directories (merged; a run id present twice is kept once)
over seeds × orderings, per suite and method label, and writes to REPORT_DIR:
  index.html       self-contained page with interactive charts (opens offline from file://)
  summary.md       tables (mean ± 95% CI) and the PNG charts
  aggregate.json   the statistics, machine-readable
  NAME.vl.json / NAME.svg / NAME.png   each chart as a Vega-Lite spec, SVG and PNG`;

export const report: Command = {
  summary: 'aggregate results directories into a report (index.html, summary.md, charts)',
  async run(argv) {
    const { values, positionals } = parse(argv, { out: { type: 'string', short: 'o' } }, USAGE);
    if (values.help) { console.log(HELP); return 0; }
    if (positionals.length === 0 || !values.out) throw new UsageError(USAGE);
    const lists = positionals.map((dir: string) => {
      let rs;
      try { rs = readResults(dir); } catch (e) { throw new InputError((e as Error).message); }
      if (rs.length === 0) throw new InputError(`${dir}: no run results in runs/`);
      return rs;
    });
    const { results, duplicates } = mergeResults(lists);
    let out;
    try { out = await writeReport(results, values.out, { resultsDirs: positionals, duplicates }); } catch (e) { throw new InputError((e as Error).message); }
    for (const w of out.warnings) console.error(`report: warning: ${w}`);
    const failed = results.filter((r) => r.status === 'failed').length;
    console.error(`report: ${results.length} runs (${failed} failed), ${out.charts.length} charts in ${(out.timings.total / 1000).toFixed(1)} s → ${join(values.out, 'index.html')}`);
    return 0;
  },
};
