/** `clbench bench`: throughput of the harness against a raw tfjs loop, and of each method against naive. */
import { writeFileSync } from 'node:fs';
import { parse, UsageError, type Command } from '../args.js';
import { benchTable, runBench } from '../bench/bench.js';
import { backendArg } from './run.js';

const USAGE = 'usage: clbench bench [--backend auto|wasm|cpu|tensorflow] [--repeats N] [--hidden N] [--methods a,b] [--workers N] [--no-pool] [--json FILE]';

export const bench: Command = {
  summary: 'measure samples/s: raw tfjs vs harness, each method vs naive, consolidation times',
  async run(argv) {
    const { values } = parse(argv, { backend: { type: 'string' }, repeats: { type: 'string' }, hidden: { type: 'string' }, methods: { type: 'string' }, json: { type: 'string' }, workers: { type: 'string' }, 'no-pool': { type: 'boolean' } }, USAGE);
    if (values.help) { console.log(USAGE); return 0; }
    const repeats = Number(values.repeats ?? 3), hidden = Number(values.hidden ?? 256);
    if (!Number.isInteger(repeats) || repeats < 1) throw new UsageError(`--repeats: expected a positive integer, got "${values.repeats}"`);
    if (!Number.isInteger(hidden) || hidden < 1) throw new UsageError(`--hidden: expected a positive integer, got "${values.hidden}"`);
    const report = await runBench({ backend: backendArg(values.backend ?? 'wasm'), repeats, hidden, methods: values.methods?.split(','), pool: !values['no-pool'], workers: values.workers ? Number(values.workers) : undefined, log: (l) => console.error(l) });
    console.log(benchTable(report));
    if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2) + '\n');
    return 0;
  },
};
