/** The CLI's commands: an explicit typed map, each with its usage and a run function. */
import { BACKENDS, type BackendName } from '@clbench/core';
import { describeHyperparameters, METHODS } from '@clbench/methods';
import { summaryMarkdown } from '@clbench/report';
import { InputError, loadSuite, readResults, runSuite, expandMatrix } from '@clbench/runner';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, UsageError } from './args.js';

interface Command { summary: string; run(argv: string[]): Promise<number> }

const RUN_USAGE = `usage: clbench run SUITE.json --out DIR [--backend auto|tensorflow|wasm|cpu] [--workers N] [--fresh] [--dry-run] [--quiet]`;

const backendArg = (v: string | undefined): BackendName => {
  const b = (v ?? 'auto') as BackendName;
  if (!BACKENDS.includes(b)) throw new UsageError(`--backend: "${v}" is not one of ${BACKENDS.join(', ')}`);
  return b;
};

export const commands = {
  run: {
    summary: 'run a suite (methods × seeds × orderings) into a results directory',
    async run(argv) {
      const { values, positionals } = parse(argv, {
        out: { type: 'string', short: 'o' }, backend: { type: 'string' }, workers: { type: 'string' },
        fresh: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, quiet: { type: 'boolean' },
      }, RUN_USAGE);
      if (values.help) { console.log(`${RUN_USAGE}\n\nResults go to DIR/runs/<runId>.json, one file per run; finished runs are skipped unless --fresh.`); return 0; }
      if (positionals.length !== 1) throw new UsageError(`expected one suite file\n${RUN_USAGE}`);
      const suite = loadSuite(positionals[0]);
      if (values['dry-run']) {
        for (const s of expandMatrix(suite)) console.log(`${s.runId}  ${s.config.label}  seed=${s.config.seed}  ordering=[${s.config.ordering.join(',')}]`);
        return 0;
      }
      if (!values.out) throw new UsageError(`--out DIR is required\n${RUN_USAGE}`);
      const backend = backendArg(values.backend);
      const summary = await runSuite(suite, { out: values.out, backend, fresh: values.fresh, log: values.quiet ? undefined : (l) => console.error(l) });
      console.error(`done: ${summary.ok} ok, ${summary.failed} failed, ${summary.skipped} skipped (already finished) → ${values.out}`);
      return summary.failed ? 1 : 0;
    },
  },
  report: {
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
  },
  methods: {
    summary: 'list the available methods and their hyper-parameters',
    async run(argv) {
      const { values } = parse(argv, { json: { type: 'boolean' } }, 'usage: clbench methods [--json]');
      const rows = Object.values(METHODS).map((m) => ({ name: m.name, supports: m.supports, summary: m.summary, paper: m.paper, hyperparameters: describeHyperparameters(m.name) }));
      if (values.json) { console.log(JSON.stringify(rows, null, 2)); return 0; }
      for (const r of rows) {
        const props = (r.hyperparameters as { properties?: Record<string, { default?: unknown; description?: string }> }).properties ?? {};
        console.log(`${r.name.padEnd(11)} ${r.summary}  [${r.supports.join(', ')}]`);
        console.log(`${''.padEnd(11)} ${r.paper}`);
        for (const [k, p] of Object.entries(props)) console.log(`${''.padEnd(13)}${k} = ${JSON.stringify(p.default)}${p.description ? `  — ${p.description}` : ''}`);
      }
      return 0;
    },
  },
} satisfies Record<string, Command>;
