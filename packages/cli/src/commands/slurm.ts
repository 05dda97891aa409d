/** `clbench slurm`: write (and with --submit, submit) an sbatch job-array script for a suite. */
import { checkResultsDir, loadSuite, sbatchScript } from '@clbench/runner';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, UsageError, usageError, type Command } from '../args.js';
import { backendArg, intArg } from './run.js';

const USAGE = `usage: clbench slurm SUITE.json --array N [--out DIR] [--partition P] [--gpus-per-task G] [--cpus-per-task C]
         [--time T] [--backend B] [--retries K] [--script FILE] [--submit [--wait]]`;

const HELP = `${USAGE}

Writes an sbatch script (default DIR/slurm/SUITE.sbatch; DIR defaults to results/SUITE) whose
array task k runs shard k of N of the suite; every task writes into DIR. With --submit, runs
sbatch on it (--wait: sbatch --wait, returns when the whole array has finished).
Merge with: clbench report DIR --out REPORT_DIR`;

const MAIN_JS = fileURLToPath(new URL('../main.js', import.meta.url));

export const slurm: Command = {
  summary: 'write (and --submit) a Slurm job-array script that runs a suite in N shards',
  async run(argv) {
    const { values, positionals } = parse(argv, {
      array: { type: 'string' }, out: { type: 'string', short: 'o' }, partition: { type: 'string' }, 'gpus-per-task': { type: 'string' },
      'cpus-per-task': { type: 'string' }, time: { type: 'string' }, backend: { type: 'string' }, retries: { type: 'string' },
      script: { type: 'string' }, submit: { type: 'boolean' }, wait: { type: 'boolean' },
    }, USAGE);
    if (values.help) { console.log(HELP); return 0; }
    if (positionals.length !== 1) throw usageError('expected one suite file', USAGE);
    const array = intArg('array', values.array, 1);
    if (array === undefined) throw usageError('--array N is required', USAGE);
    const suitePath = resolve(positionals[0]);
    const suite = loadSuite(suitePath);
    const out = resolve(values.out ?? join('results', suite.name));
    checkResultsDir(out);
    const retries = intArg('retries', values.retries, 0);
    const text = sbatchScript({
      suite: suitePath, out, array, jobName: `clbench-${suite.name}`, clbench: `${process.execPath} ${MAIN_JS}`,
      partition: values.partition, gpusPerTask: intArg('gpus-per-task', values['gpus-per-task'], 1),
      cpusPerTask: intArg('cpus-per-task', values['cpus-per-task'], 1), time: values.time,
      backend: values.backend === undefined ? undefined : backendArg(values.backend),
      runArgs: retries === undefined ? [] : ['--retries', String(retries)],
    });
    mkdirSync(join(out, 'slurm'), { recursive: true }); // Slurm opens the --output files there before the job starts
    const script = resolve(values.script ?? join(out, 'slurm', `${suite.name}.sbatch`));
    writeFileSync(script, text, { mode: 0o755 });
    console.error(`wrote ${script} (${array} array tasks → ${out})`);
    if (!values.submit) return 0;
    const res = spawnSync('sbatch', [...(values.wait ? ['--wait'] : []), script], { stdio: 'inherit' });
    if (res.error) throw new UsageError(`sbatch: ${(res.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found (is Slurm installed and on PATH?)' : res.error.message}`);
    return res.status ?? 1;
  },
};
