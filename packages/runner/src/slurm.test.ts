import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REQUEUE_SIGNAL_SECONDS, sbatchScript } from './slurm.js';

describe('sbatch job-array script', () => {
  it('holds the array, partition and GPU directives and runs one pool process per GPU', () => {
    const s = sbatchScript({ suite: '/s/suite.json', out: '/r/out', array: 4, clbench: 'node /x/main.js', jobName: 'clbench-x', partition: 'gpu', gpusPerTask: 2, time: '01:00:00', runArgs: ['--retries', '1'] });
    expect(s.split('\n').filter((l) => l.startsWith('#SBATCH'))).toEqual([
      '#SBATCH --job-name=clbench-x', '#SBATCH --array=0-3', '#SBATCH --output=/r/out/slurm/%A_%a.log', '#SBATCH --ntasks=1',
      '#SBATCH --partition=gpu', '#SBATCH --gpus-per-task=2', '#SBATCH --time=01:00:00',
    ]);
    expect(s).toContain('exec node /x/main.js run /s/suite.json --out /r/out --retries 1 --workers 1 ${CUDA_VISIBLE_DEVICES:+--devices "$CUDA_VISIBLE_DEVICES"}');
    expect(() => sbatchScript({ suite: 'a', out: 'b', array: 0, clbench: 'c', jobName: 'd' })).toThrow('--array');
    // several runs per GPU: that many processes on each of the task's GPUs
    const shared = sbatchScript({ suite: '/s/suite.json', out: '/r/out', array: 1, clbench: 'node /x/main.js', jobName: 'j', gpusPerTask: 1, runsPerGpu: 4 });
    expect(shared).toContain('exec node /x/main.js run /s/suite.json --out /r/out --workers 4 ${CUDA_VISIBLE_DEVICES:+--devices "$CUDA_VISIBLE_DEVICES"}');
  });

  it('requeue-safe (--requeue): SIGTERM reaches clbench, and its exit 143 requeues the array task; another exit does not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clbench-requeue-'));
    // a stand-in for clbench: says it started, stops with 143 on SIGTERM (as `clbench run` does at a step boundary)
    const fake = join(dir, 'fake-clbench.mjs');
    writeFileSync(fake, `import { writeFileSync } from 'node:fs';
process.on('SIGTERM', () => setTimeout(() => process.exit(Number(process.env.FAKE_EXIT ?? 143)), 100));
writeFileSync(${JSON.stringify(join(dir, 'started'))}, process.argv.slice(2).join(' '));
setInterval(() => {}, 1000);`);
    const scontrol = join(dir, 'scontrol');                                 // records how it was called
    writeFileSync(scontrol, `#!/bin/sh\necho "$@" >> ${join(dir, 'scontrol.log')}\n`);
    chmodSync(scontrol, 0o755);
    const script = sbatchScript({ suite: '/s/suite.json', out: dir, array: 2, clbench: `${process.execPath} ${fake}`, jobName: 'j', requeue: true });
    expect(script).toContain(`#SBATCH --requeue`);
    expect(script).toContain(`#SBATCH --signal=B:TERM@${REQUEUE_SIGNAL_SECONDS}`);
    expect(script).not.toMatch(/^exec /m);
    const file = join(dir, 'job.sbatch');
    writeFileSync(file, script);
    const job = (exit: number) => new Promise<number | null>((resolve) => {
      const child = spawn('bash', [file], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, SLURM_ARRAY_JOB_ID: '77', SLURM_ARRAY_TASK_ID: '1', SLURM_CPUS_PER_TASK: '1', FAKE_EXIT: String(exit) }, stdio: 'ignore' });
      const poll = setInterval(() => { if (existsSync(join(dir, 'started'))) { clearInterval(poll); child.kill('SIGTERM'); } }, 20);
      child.on('exit', (code) => { clearInterval(poll); resolve(code); });
    });
    expect(await job(143)).toBe(143);
    expect(readFileSync(join(dir, 'started'), 'utf8')).toBe('run /s/suite.json --out ' + dir + ' --workers 1');
    expect(readFileSync(join(dir, 'scontrol.log'), 'utf8')).toBe('requeue 77_1\n');
    writeFileSync(join(dir, 'scontrol.log'), '');
    rmSync(join(dir, 'started'));
    expect(await job(1)).toBe(1);                                            // a failure is not requeued
    expect(readFileSync(join(dir, 'scontrol.log'), 'utf8')).toBe('');
  });
});
