/** `clbench report`: aggregate a results directory into a report. */
import { summaryMarkdown } from '@clbench/report';
import { InputError, readResults } from '@clbench/runner';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, UsageError, type Command } from '../args.js';

export const report: Command = {
  summary: 'aggregate a results directory into a report (summary.md, charts)',
  async run(argv) {
    const usage = 'usage: clbench report RESULTS_DIR --out REPORT_DIR';
    const { values, positionals } = parse(argv, { out: { type: 'string', short: 'o' } }, usage);
    if (values.help) { console.log(usage); return 0; }
    if (positionals.length !== 1 || !values.out) throw new UsageError(usage);
    let results;
    try { results = readResults(positionals[0]); } catch (e) { throw new InputError((e as Error).message); }
    if (results.length === 0) throw new InputError(`${positionals[0]}: no run results in runs/`);
    mkdirSync(values.out, { recursive: true });
    writeFileSync(join(values.out, 'summary.md'), summaryMarkdown(results));
    console.error(`report: ${results.length} runs → ${join(values.out, 'summary.md')}`);
    return 0;
  },
};
