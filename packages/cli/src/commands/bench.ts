/** `clbench bench`: throughput of the harness against a raw tfjs loop, of each method against naive, of the pool; memory on full MNIST;
 *  checkpoint write time and size per method on the default suite.
 *  The benchmarks live in @clbench/runner (runBench); this command parses its flags and prints / writes the report. */
import { isMethodName, methodNames, type MethodName } from '@clbench/methods';
import { benchTable, checkoutCli, runBench, runWebgpuBench, webgpuBenchTable } from '@clbench/runner';
import { initBackend } from '@clbench/core';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, UsageError, type Command } from '../args.js';
import { backendArg } from './run.js';

const USAGE = `usage: clbench bench [--backend auto|wasm|cpu|tensorflow] [--repeats N] [--hidden N] [--methods a,b] [--workers N] [--no-pool] [--no-memory] [--no-checkpoints] [--before CLBENCH_CHECKOUT] [--json FILE]
       clbench bench --backend webgpu [--hidden N] [--methods a,b] [--workers N,M,…] [--json FILE]
  webgpu: per method, GPU programs, uploads, bytes to the device, CPU ms and wall ms per training step (batch 256;
  default method naive, none with --workers); with --workers, N naive runs at once in N processes on device 0 (\`clbench run --workers N
  --devices 0\`): aggregate training steps/s against 1 process. Dawn's null backend (CLBENCH_DAWN_BACKEND=null) counts
  exactly what a GPU records; llvmpipe (opengles) computes on the CPU.`;

/** This CLI's entry (dist/main.js): the memory benchmark runs it in fresh processes. */
export const BENCH_CLI = fileURLToPath(new URL('../main.js', import.meta.url));

/** `--methods a,b` → registered method names; an unknown one is a usage error. */
function methodsArg(v: string | undefined): MethodName[] | undefined {
  return v?.split(',').map((m) => {
    if (!isMethodName(m)) throw new UsageError(`unknown method "${m}" (known: ${methodNames.join(', ')})`);
    return m;
  });
}

export const bench: Command = {
  summary: 'measure samples/s: raw tfjs vs harness, each method vs naive, consolidation times',
  async run(argv) {
    const { values } = parse(argv, { backend: { type: 'string' }, repeats: { type: 'string' }, hidden: { type: 'string' }, methods: { type: 'string' }, json: { type: 'string' }, workers: { type: 'string' }, 'no-pool': { type: 'boolean' }, 'no-memory': { type: 'boolean' }, 'no-checkpoints': { type: 'boolean' }, before: { type: 'string' } }, USAGE);
    if (values.help) { console.log(USAGE); return 0; }
    const repeats = Number(values.repeats ?? 3), hidden = Number(values.hidden ?? 256);
    if (!Number.isInteger(repeats) || repeats < 1) throw new UsageError(`--repeats: expected a positive integer, got "${values.repeats}"`);
    if (!Number.isInteger(hidden) || hidden < 1) throw new UsageError(`--hidden: expected a positive integer, got "${values.hidden}"`);
    if (values.before !== undefined && !existsSync(checkoutCli(values.before))) {
      throw new UsageError(`--before: ${values.before} is not a built clbench checkout (no packages/cli/dist/main.js)`);
    }
    const backend = backendArg(values.backend ?? 'wasm'), methods = methodsArg(values.methods);
    if (backend === 'webgpu') {
      const workers = values.workers?.split(',').map((w: string) => {
        const n = Number(w);
        if (!Number.isInteger(n) || n < 1) throw new UsageError(`--workers: expected positive integers separated by commas, got "${values.workers}"`);
        return n;
      });
      await initBackend('webgpu');
      const report = await runWebgpuBench({ hidden, methods: methods ?? (workers ? [] : ['naive']), workers, log: (l) => console.error(l) });
      console.log(webgpuBenchTable(report));
      if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2) + '\n');
      return 0;
    }
    const report = await runBench({
      backend, repeats, hidden, methods, pool: !values['no-pool'], workers: values.workers ? Number(values.workers) : undefined,
      memory: values['no-memory'] ? undefined : { cli: BENCH_CLI, before: values.before }, log: (l) => console.error(l),
      checkpoints: !values['no-checkpoints'],
    });
    console.log(benchTable(report));
    if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2) + '\n');
    return 0;
  },
};
