/** `clbench slurm`: write (and with --submit, submit) an sbatch job-array script for a suite. */
import { checkResultsDir, loadSuite, sbatchScript } from '@clbench/runner';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, UsageError, usageError, type Command } from '../args.js';
import { backendArg, intArg } from './run.js';

const USAGE = `usage: clbench slurm SUITE.json --array N [--out DIR] [--partition P] [--gpus-per-task G [--runs-per-gpu R]] [--cpus-per-task C]
         [--time T] [--backend B] [--retries K] [--requeue] [--script FILE] [--submit [--wait]]`;

const HELP = `${USAGE}

Writes an sbatch script (default DIR/slurm/SUITE.sbatch; DIR defaults to results/SUITE) whose
array task k runs shard k of N of the suite; every task writes into DIR. With --submit, runs
sbatch on it (--wait: sbatch --wait, returns when the whole array has finished).
A suite with "tuning" gets a second script, SUITE.tuning.sbatch (the tuning stage, clbench run
--tuning-only); --submit submits it first and the main array with --dependency=afterany on it
(afterany: a failed tuning run, e.g. a diverging configuration, is a result; reporting runs
whose tuning is incomplete are skipped with a message, never started early).
With --requeue the job is requeue-safe: sbatch --requeue, logs appended, SIGTERM 120 s before the
time limit; on SIGTERM (time limit or preemption) the runs stop at their next step boundary, the
array task requeues itself, and the next start resumes each run after its last finished task.
With --gpus-per-task, each GPU of an array task runs R runs at a time (--runs-per-gpu, default 1),
one process each: on a GPU a step's time is mostly the CPU recording its programs, so several runs
per GPU add up (\`clbench bench --backend webgpu --workers R\` measures how many pay off).
Merge with: clbench report DIR --out REPORT_DIR`;

const MAIN_JS = fileURLToPath(new URL('../main.js', import.meta.url));

export const slurm: Command = {
  summary: 'write (and --submit) a Slurm job-array script that runs a suite in N shards',
  async run(argv) {
    const { values, positionals } = parse(argv, {
      array: { type: 'string' }, out: { type: 'string', short: 'o' }, partition: { type: 'string' }, 'gpus-per-task': { type: 'string' }, 'runs-per-gpu': { type: 'string' },
      'cpus-per-task': { type: 'string' }, time: { type: 'string' }, backend: { type: 'string' }, retries: { type: 'string' },
      script: { type: 'string' }, submit: { type: 'boolean' }, wait: { type: 'boolean' }, requeue: { type: 'boolean' },
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
    if (values['runs-per-gpu'] !== undefined && values['gpus-per-task'] === undefined) throw usageError('--runs-per-gpu needs --gpus-per-task', USAGE);
    const options = {
      suite: suitePath, out, array, jobName: `clbench-${suite.name}`, clbench: `${process.execPath} ${MAIN_JS}`,
      partition: values.partition, gpusPerTask: intArg('gpus-per-task', values['gpus-per-task'], 1), runsPerGpu: intArg('runs-per-gpu', values['runs-per-gpu'], 1),
      cpusPerTask: intArg('cpus-per-task', values['cpus-per-task'], 1), time: values.time,
      backend: values.backend === undefined ? undefined : backendArg(values.backend),
      runArgs: retries === undefined ? [] : ['--retries', String(retries)], requeue: values.requeue === true,
    };
    mkdirSync(join(out, 'slurm'), { recursive: true }); // Slurm opens the --output files there before the job starts
    const script = resolve(values.script ?? join(out, 'slurm', `${suite.name}.sbatch`));
    writeFileSync(script, sbatchScript(options), { mode: 0o755 });
    const tuningScript = script.replace(/(\.sbatch)?$/, '.tuning.sbatch');
    if (suite.tuning) writeFileSync(tuningScript, sbatchScript({ ...options, jobName: `${options.jobName}-tuning`, tuningOnly: true }), { mode: 0o755 });
    console.error(suite.tuning
      ? `wrote ${tuningScript} (tuning stage) and ${script} (both stages, after it), ${array} array tasks each → ${out}`
      : `wrote ${script} (${array} array tasks → ${out})`);
    if (!values.submit) return 0;
    let dependency: string[] = [];
    if (suite.tuning) {
      const first = sbatch(['--parsable', tuningScript], 'pipe');
      if (first.status !== 0) return first.status ?? 1;
      const jobId = String(first.stdout).trim().split(';')[0];
      console.error(`submitted the tuning array as job ${jobId}`);
      dependency = [`--dependency=afterany:${jobId}`];
    }
    return sbatch([...dependency, ...(values.wait ? ['--wait'] : []), script], 'inherit').status ?? 1;
  },
};

function sbatch(args: string[], stdout: 'pipe' | 'inherit') {
  const res = spawnSync('sbatch', args, { stdio: ['inherit', stdout, 'inherit'], encoding: 'utf8' });
  if (res.error) throw new UsageError(`sbatch: ${(res.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found (is Slurm installed and on PATH?)' : res.error.message}`);
  return res;
}
