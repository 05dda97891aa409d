import type { BenchReport, WebgpuBenchReport } from '@clbench/runner';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const clbench = (args: string[]) => spawnSync(process.execPath, [CLI, 'bench', ...args], { encoding: 'utf8' });
const webgpuInstalled = (() => { try { createRequire(import.meta.url).resolve('webgpu'); return true; } catch { return false; } })();
const USAGE = 'usage: clbench bench [--backend auto|wasm|cpu|tensorflow] [--repeats N] [--hidden N] [--methods a,b] [--workers N] [--no-pool] [--no-memory] [--no-checkpoints] [--before CLBENCH_CHECKOUT] [--json FILE]';

describe('clbench bench', () => {
  it('--help prints the usage and exits 0', () => {
    const p = clbench(['--help']);
    expect(p.status).toBe(0);
    expect(p.stdout.trim().split('\n')[0]).toBe(USAGE);
    expect(p.stdout).toContain('clbench bench --backend webgpu [--hidden N] [--methods a,b] [--workers N,M,…] [--json FILE]');
  });

  it('--backend webgpu --workers 1,x: one line naming the flag, exit 2, nothing run', () => {
    const p = clbench(['--backend', 'webgpu', '--workers', '1,x']);
    expect(p.status).toBe(2);
    expect(p.stderr.trim()).toBe('clbench: --workers: expected positive integers separated by commas, got "1,x"');
  });

  it.skipIf(!webgpuInstalled)('--backend webgpu on Dawn\'s null backend: naive\'s programs and bytes per step, and 1 and 2 processes sharing device 0, in the table and --json', () => {
    const json = join(mkdtempSync(join(tmpdir(), 'clbench-bench-webgpu-')), 'bench.json');
    const p = spawnSync(process.execPath, [CLI, 'bench', '--backend', 'webgpu', '--hidden', '16', '--methods', 'naive', '--workers', '2', '--json', json],
      { encoding: 'utf8', env: { ...process.env, CLBENCH_DAWN_BACKEND: 'null' } });
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout).toContain('adapter null-backend (Dawn null)');
    const r = JSON.parse(readFileSync(json, 'utf8')) as WebgpuBenchReport;
    // 20 programs a step (+ a loss read's stack every 32 steps), nothing uploaded through tfjs, only the row indices written (4 bytes a row, ≤ 256 rows)
    expect(r.steps).toHaveLength(1);
    expect(r.steps[0]).toMatchObject({ method: 'naive', uploads: 0 });
    expect(r.steps[0].programs).toBeGreaterThanOrEqual(20);
    expect(r.steps[0].programs).toBeLessThan(21);
    expect(r.steps[0].bytes).toBeGreaterThan(0);
    expect(r.steps[0].bytes).toBeLessThanOrEqual(4 * 256);
    expect(r.shared!.map((s) => [s.workers, s.runs])).toEqual([[1, 1], [2, 2]]);
    expect(p.stdout).toMatch(/\| 2 \| 2 \| \d+ \|/);
  });

  it.each([
    [['--repeats', '0'], '--repeats: expected a positive integer, got "0"'],
    [['--hidden', 'wide'], '--hidden: expected a positive integer, got "wide"'],
    [['--before', '/no/such/checkout'], '--before: /no/such/checkout is not a built clbench checkout'],
    [['--backend', 'abacus'], '--backend: "abacus" is not one of'],
    [['--methods', 'clnp,clnpp'], 'unknown method "clnpp" (known: naive, joint, clnp'],
  ])('bad input %j: one line on stderr, exit 2, no benchmark run', (args, message) => {
    const p = clbench(args);
    expect(p.status).toBe(2);
    expect(p.stderr).toContain(`clbench: ${message}`);
    expect(p.stderr.trim().split('\n')).toHaveLength(1);
    expect(p.stdout).toBe('');
  });

  it('the memory benchmark spawns this CLI\'s built entry', async () => {
    const { BENCH_CLI } = await import(new URL('../../dist/commands/bench.js', import.meta.url).href) as { BENCH_CLI: string };
    expect(BENCH_CLI).toBe(CLI);
    expect(existsSync(BENCH_CLI)).toBe(true);
  });

  it('a short real run (1 repeat, 2×8 units, naive + clnp, no pool, no memory) prints the tables and writes --json', () => {
    const json = join(mkdtempSync(join(tmpdir(), 'clbench-bench-')), 'bench.json');
    const p = clbench(['--repeats', '1', '--hidden', '8', '--methods', 'clnp', '--no-pool', '--no-memory', '--no-checkpoints', '--json', json]);
    expect(p.stderr).toContain('repeat 1: raw');
    expect(p.status).toBe(0);
    expect(p.stdout).toContain('backend wasm; network 784-8-8, batch 128, Adam');
    expect(p.stdout).toMatch(/\| harness \(naive\) \| \d+ \| [\d.]+ \(goal ≥ 0\.95\) \|/);
    expect(p.stdout).toMatch(/\| clnp \| .* \| ≤ 10 % \((met|missed)\) \|/);
    expect(p.stdout).toMatch(/clnp: pruning search \(activity \+ threshold search\) per task: [\d.]+, [\d.]+ s/);
    expect(p.stdout).not.toContain('pool scaling');
    expect(p.stdout).not.toContain('memory (');
    const report = JSON.parse(readFileSync(json, 'utf8')) as BenchReport;
    expect(report.methods.map((m) => m.method)).toEqual(['naive', 'clnp']);
    expect(report.methods[1].goalPct).toBe(10);
    expect(report.methods[1].pruningSearchSeconds).toHaveLength(2);
    expect(report.transposedMatMul?.speedup).toBeGreaterThan(0);
    expect(report.pool).toBeUndefined();
    expect(report.memory).toBeUndefined();
  }, 300_000);
});
