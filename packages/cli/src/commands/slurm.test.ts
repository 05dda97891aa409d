import { readResults } from '@clbench/runner';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const clbench = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('clbench slurm', () => {
  it('writes a job-array script whose array tasks, run by hand with Slurm variables, give the single-process results', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clbench-slurm-'));
    const suite = join(dir, 'suite.json');
    writeFileSync(suite, JSON.stringify({
      name: 'slurm-tiny', dataset: { name: 'mnist', limit: 50 }, scenario: { type: 'split', tasks: 2, classesPerTask: 2 },
      network: { layers: [{ type: 'dense', units: 16 }] }, training: { lr: 0.01, epochs: 1, batchSize: 32 },
      methods: [{ name: 'naive' }, { name: 'joint' }], seeds: [0, 1],
    }));
    const out = join(dir, 'out');
    const w = clbench(['slurm', suite, '--array', '2', '--out', out, '--backend', 'wasm', '--partition', 'debug']);
    expect(w.status, w.stderr).toBe(0);
    const script = join(out, 'slurm', 'slurm-tiny.sbatch');
    expect(readFileSync(script, 'utf8')).toMatch(/#SBATCH --array=0-1\n[^]*#SBATCH --partition=debug\n/);
    for (const id of ['0', '1']) {
      const r = spawnSync('bash', [script], { env: { ...process.env, SLURM_ARRAY_TASK_ID: id, SLURM_ARRAY_TASK_COUNT: '2' }, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain(`(shard ${id}/2)`);
    }
    const ref = join(dir, 'ref');
    expect(clbench(['run', suite, '--out', ref, '--workers', '1', '--backend', 'wasm', '--quiet']).status).toBe(0);
    const m = (d: string) => Object.fromEntries(readResults(d).map((r) => [r.runId, r.status === 'ok' ? r.accuracyMatrix : r.error]));
    expect(Object.keys(m(out))).toHaveLength(4);
    expect(m(out)).toEqual(m(ref));
  });

  it('runs a suite with tuning as two arrays: tuning first, then both stages submitted with a dependency on it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clbench-slurm-'));
    const suite = join(dir, 'suite.json');
    writeFileSync(suite, JSON.stringify({
      name: 'slurm-tuned', dataset: { name: 'mnist', limit: 50 }, scenario: { type: 'split', tasks: 2, classesPerTask: 2 },
      network: { layers: [{ type: 'dense', units: 16 }] }, training: { lr: 0.01, epochs: 1, batchSize: 32 },
      methods: [{ name: 'naive' }, { name: 'l2', hyperparameters: { lambda: [0, 10] } }], seeds: [0], tuning: { seeds: [9] },
    }));
    const out = join(dir, 'out');
    // A stand-in sbatch that logs its arguments and answers --parsable with a job id.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'sbatch'), `#!/bin/sh\necho "$@" >> ${join(dir, 'sbatch.log')}\ncase "$1" in --parsable) echo '4242;cluster';; esac\n`, { mode: 0o755 });
    const w = spawnSync(process.execPath, [CLI, 'slurm', suite, '--array', '2', '--out', out, '--backend', 'wasm', '--submit'], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    expect(w.status, w.stderr).toBe(0);
    const tuningScript = join(out, 'slurm', 'slurm-tuned.tuning.sbatch'), script = join(out, 'slurm', 'slurm-tuned.sbatch');
    expect(readFileSync(join(dir, 'sbatch.log'), 'utf8').trim().split('\n')).toEqual([`--parsable ${tuningScript}`, `--dependency=afterany:4242 ${script}`]);
    expect(readFileSync(tuningScript, 'utf8')).toMatch(/run \S+ --out \S+ --backend wasm --tuning-only --workers/);
    expect(readFileSync(script, 'utf8')).not.toContain('--tuning-only');
    // Run the arrays by hand, in dependency order: the result equals one unsharded `clbench run`.
    for (const file of [tuningScript, script]) for (const id of ['0', '1']) {
      const r = spawnSync('bash', [file], { env: { ...process.env, SLURM_ARRAY_TASK_ID: id, SLURM_ARRAY_TASK_COUNT: '2' }, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('wait for its tuning runs');
    }
    const ref = join(dir, 'ref');
    expect(clbench(['run', suite, '--out', ref, '--workers', '1', '--backend', 'wasm', '--quiet']).status).toBe(0);
    const m = (d: string) => Object.fromEntries(readResults(d).map((r) => [r.runId, r.status === 'ok' ? r.accuracyMatrix : r.error]));
    expect(Object.keys(m(out))).toHaveLength(2 + 2); // 2 tuning runs (λ grid × 1 seed), 2 reporting runs (naive, l2)
    expect(m(out)).toEqual(m(ref));
  });

  it('says so in one line when --submit finds no sbatch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clbench-slurm-'));
    const suite = join(dir, 'suite.json');
    writeFileSync(suite, JSON.stringify({ name: 's', dataset: { name: 'mnist' }, scenario: { type: 'split' }, network: { layers: [{ type: 'dense', units: 8 }] }, methods: [{ name: 'naive' }] }));
    const r = spawnSync(process.execPath, [CLI, 'slurm', suite, '--array', '2', '--out', join(dir, 'o'), '--submit'], { encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } });
    expect([r.status, r.stderr.trim().split('\n').at(-1)]).toEqual([2, 'clbench: sbatch: not found (is Slurm installed and on PATH?)']);
  });
});
