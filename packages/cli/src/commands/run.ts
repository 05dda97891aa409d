/** `clbench run`: expand a suite's matrix and run it into a results directory. */
import { BACKENDS, type BackendName } from '@clbench/core';
import { expandMatrix, loadSuite, runSuite } from '@clbench/runner';
import { parse, UsageError, type Command } from '../args.js';

const RUN_USAGE = `usage: clbench run SUITE.json --out DIR [--backend auto|tensorflow|wasm|cpu] [--workers N] [--fresh] [--dry-run] [--quiet]`;

export const backendArg = (v: string | undefined): BackendName => {
  const b = (v ?? 'auto') as BackendName;
  if (!BACKENDS.includes(b)) throw new UsageError(`--backend: "${v}" is not one of ${BACKENDS.join(', ')}`);
  return b;
};

export const run: Command = {
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
};
