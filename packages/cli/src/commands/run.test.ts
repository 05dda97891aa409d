import { initBackend } from '@clbench/core';
import { executeRun, expandMatrix, loadSuite, readResults } from '@clbench/runner';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const tmp = (tag: string) => mkdtempSync(join(tmpdir(), `clbench-cli-${tag}-`));
const clbench = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

/** A suite file of 2 methods × 3 seeds × 2 orderings = 12 tiny runs. */
function suiteFile(over: Record<string, unknown> = {}): string {
  const file = join(tmp('suite'), 'suite.json');
  writeFileSync(file, JSON.stringify({
    name: 'cli-tiny', dataset: { name: 'mnist', limit: 50 },
    scenario: { type: 'split', incremental: 'task', tasks: 2, classesPerTask: 2 },
    network: { layers: [{ type: 'dense', units: 16 }] }, training: { optimizer: 'adam', lr: 0.01, epochs: 1, batchSize: 32 },
    methods: [{ name: 'naive' }, { name: 'joint' }], seeds: [0, 1, 2], orderings: { explicit: [[0, 1], [1, 0]] }, ...over,
  }));
  return file;
}

/** What must be identical between two executions: runId → accuracy matrix and b_j (ok runs only). */
const matrices = (dir: string) => Object.fromEntries(readResults(dir).map((r) => [r.runId, r.status === 'ok' ? [r.accuracyMatrix, r.randomInitAccuracy] : r.error]));

describe('clbench run', () => {
  it('killed with SIGKILL at random moments while writing results and resumed: every run present once, no temp or corrupt file, same results', async () => {
    const suite = suiteFile();
    const dir = tmp('killed');
    // Reference: the same runs, uninterrupted, in this thread.
    await initBackend('wasm');
    const specs = expandMatrix(loadSuite(suite));
    const ids = specs.map((s) => s.runId);
    expect(ids).toHaveLength(12);
    const reference = Object.fromEntries((await Promise.all(specs.map((s) => executeRun(s, { backend: 'wasm' }))))
      .map((r) => [r.runId, r.status === 'ok' ? [r.accuracyMatrix, r.randomInitAccuracy] : r.error]));

    // Each round: start the suite, wait until it has written one more result, then SIGKILL it after a
    // random delay (runs are then finishing and being written every ~100 ms).
    const onDisk = () => readdirSync(join(dir, 'runs')).filter((f) => f.endsWith('.json')).length;
    const counts: number[] = [];
    const signals: (NodeJS.Signals | null)[] = [];
    for (let round = 0; round < 2 && (counts.at(-1) ?? 0) < 12; round++) {
      const before = counts.at(-1) ?? 0;
      const child = spawn(process.execPath, [CLI, 'run', suite, '--out', dir, '--workers', '2', '--backend', 'wasm', '--quiet'], { stdio: 'ignore' });
      const exit = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_code, signal) => res(signal)));
      let exited = false;
      void exit.then(() => { exited = true; });
      while (!exited && (!existsSync(join(dir, 'runs')) || onDisk() <= before)) await new Promise((r) => setTimeout(r, 10));
      const delay = Math.random() * 300;
      setTimeout(() => child.kill('SIGKILL'), delay);
      signals.push(await exit);
      // Every result file present after the kill is complete and valid (readResults validates each one).
      counts.push(readResults(dir).length);
      console.log(`round ${round}: SIGKILL ${delay.toFixed(0)} ms after result ${before + 1} appeared (${signals.at(-1) ?? 'finished first'}), ${counts.at(-1)}/12 runs on disk`);
    }
    // At least one kill landed mid-suite.
    expect(counts.some((c, k) => signals[k] === 'SIGKILL' && c > 0 && c < 12)).toBe(true);
    const left = 12 - counts.at(-1)!;
    const resumed = clbench(['run', suite, '--out', dir, '--workers', '2', '--backend', 'wasm']);
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toContain(`${12 - left} already finished, ${left} to run`);

    const files = readdirSync(join(dir, 'runs')).sort();
    expect(files).toEqual(ids.map((id) => `${id}.json`).sort()); // each run once, nothing else (no temp files)
    expect(matrices(dir)).toEqual(reference);
  });

  it('device processes (--devices) exit when the coordinator is killed with SIGKILL', async () => {
    const child = spawn(process.execPath, [CLI, 'run', suiteFile(), '--out', tmp('dev'), '--devices', '0,1', '--backend', 'wasm', '--quiet'], { stdio: 'ignore' });
    const kids = () => spawnSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)], { encoding: 'utf8' }).stdout.trim().split(/\s+/).filter(Boolean).map(Number);
    let hosts: number[] = [];
    for (let i = 0; i < 200 && hosts.length < 2; i++) { await new Promise((r) => setTimeout(r, 50)); hosts = kids(); }
    expect(hosts).toHaveLength(2);
    child.kill('SIGKILL');
    const alive = () => hosts.filter((pid) => { try { process.kill(pid, 0); return true; } catch { return false; } });
    for (let i = 0; i < 200 && alive().length; i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive()).toEqual([]);
  });

  it('exits 1 when runs fail (NaN loss), recording them; exits 2 on bad options', () => {
    const out = tmp('nan');
    const r = clbench(['run', suiteFile({ training: { optimizer: 'sgd', lr: 1e30, batchSize: 32 }, methods: [{ name: 'naive' }], seeds: [0], orderings: { explicit: [[]] } }), '--out', out, '--workers', '1']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAILED \([0-9a-f]{16}\): loss is NaN at task 0/);
    expect(r.stderr).toContain('done: 0 ok, 1 failed');
    expect(readResults(out).map((x) => x.status)).toEqual(['failed']);
    const suite = suiteFile();
    for (const [args, msg] of [
      [['--shard', '3/2'], '--shard: shard index 3 is not in 0..1'],
      [['--workers', '0'], '--workers: expected an integer ≥ 1, got "0"'],
      [['--devices', ','], '--devices: expected a comma-separated list, e.g. 0,1'],
    ] as const) {
      const bad = clbench(['run', suite, '--out', tmp('bad'), ...args]);
      expect([bad.status, bad.stderr.trim()]).toEqual([2, `clbench: ${msg}`]);
    }
  });

  it('rejects overlapping tuning and reporting seeds, and a budget leaving no training epoch: exit 2, one line, nothing written', () => {
    const out = join(tmp('bad-tuning'), 'out');
    const overlap = suiteFile({ methods: [{ name: 'l2', hyperparameters: { lambda: [0.1, 1] } }], tuning: { seeds: [2, 3] } });
    const r = clbench(['run', overlap, '--out', out]);
    expect([r.status, r.stderr.trim()]).toEqual([2, `clbench: ${overlap}: tuning.seeds: seed 2 also in "seeds": tuning seeds must be disjoint from the reporting seeds`]);
    const budget = suiteFile({ methods: [{ name: 'clnp' }], training: { optimizer: 'adam', lr: 0.01, epochs: 1, batchSize: 32, budget: 'equal-steps' } });
    const b = clbench(['run', budget, '--out', out]);
    expect(b.status).toBe(2);
    expect(b.stderr.trim()).toMatch(/^clbench: \S+: methods\[0\] \(clnp\): 1 consolidation epoch leaves no training epoch of training\.epochs 1 under budget "equal-steps" \(raise training\.epochs or lower the consolidation epochs\)$/);
    expect(existsSync(out)).toBe(false);
  });

  it('--dry-run lists the shard picked by --shard, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX', () => {
    const suite = suiteFile();
    const list = (args: string[], env: NodeJS.ProcessEnv = {}) => clbench(['run', suite, '--dry-run', ...args], env).stdout.trim().split('\n').map((l) => l.split(' ')[0]);
    const all = list([]);
    const s0 = list(['--shard', '0/2']), s1 = list(['--shard', '1/2']);
    expect([...s0, ...s1].sort()).toEqual([...all].sort());
    expect(s0).toHaveLength(6);
    expect(list([], { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2' })).toEqual(s1);
    expect(list(['--shards', '2'], { JOB_COMPLETION_INDEX: '0' })).toEqual(s0);
  });
});
