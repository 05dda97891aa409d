/** `clbench bench`: throughput of the harness against a raw tfjs loop, of each method against naive, of the pool; memory on full MNIST. */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, UsageError, type Command } from '../args.js';
import { benchTable, runBench } from '../bench/bench.js';
import { backendArg } from './run.js';

const USAGE = 'usage: clbench bench [--backend auto|wasm|cpu|tensorflow] [--repeats N] [--hidden N] [--methods a,b] [--workers N] [--no-pool] [--no-memory] [--before CLBENCH_CHECKOUT] [--json FILE]';

export const bench: Command = {
  summary: 'measure samples/s: raw tfjs vs harness, each method vs naive, consolidation times',
  async run(argv) {
    const { values } = parse(argv, { backend: { type: 'string' }, repeats: { type: 'string' }, hidden: { type: 'string' }, methods: { type: 'string' }, json: { type: 'string' }, workers: { type: 'string' }, 'no-pool': { type: 'boolean' }, 'no-memory': { type: 'boolean' }, before: { type: 'string' } }, USAGE);
    if (values.help) { console.log(USAGE); return 0; }
    const repeats = Number(values.repeats ?? 3), hidden = Number(values.hidden ?? 256);
    if (!Number.isInteger(repeats) || repeats < 1) throw new UsageError(`--repeats: expected a positive integer, got "${values.repeats}"`);
    if (!Number.isInteger(hidden) || hidden < 1) throw new UsageError(`--hidden: expected a positive integer, got "${values.hidden}"`);
    if (values.before !== undefined && !existsSync(join(values.before, 'packages', 'cli', 'dist', 'main.js'))) {
      throw new UsageError(`--before: ${values.before} is not a built clbench checkout (no packages/cli/dist/main.js)`);
    }
    const report = await runBench({ backend: backendArg(values.backend ?? 'wasm'), repeats, hidden, methods: values.methods?.split(','), pool: !values['no-pool'], memory: !values['no-memory'], before: values.before, workers: values.workers ? Number(values.workers) : undefined, log: (l) => console.error(l) });
    console.log(benchTable(report));
    if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2) + '\n');
    return 0;
  },
};
