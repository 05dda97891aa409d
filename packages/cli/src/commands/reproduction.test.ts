/**
 * A tiny reproduction through the CLI (benchmarks/ci/hsu2018-split-mnist-task.json: the
 * Hsu et al. task-IL protocol cut to ~300 embedded digits per task). Checks the machinery,
 * not the numbers: `clbench run` carries the suite's published numbers into the results
 * directory, a per-entry training override reaches its runs, and `clbench report` prints the
 * published-vs-measured table whose means and verdicts this test recomputes from the run files.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const SUITE = fileURLToPath(new URL('../../../../benchmarks/ci/hsu2018-split-mnist-task.json', import.meta.url));
const NAME = 'ci-hsu2018-split-mnist-task';
const dir = mkdtempSync(join(tmpdir(), 'clbench-repro-'));
const results = join(dir, 'results');
const clbench = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });

interface RunFile { label: string; status: string; metrics: { acc: number }; config: { training: { optimizer: string; lr: number } } }
interface Row { mean: number; std?: number; runs?: number }

beforeAll(() => {
  const r = clbench('run', SUITE, '--out', results, '--quiet', '--backend', 'wasm');
  if (r.status !== 0) throw new Error(`clbench run failed (${r.status}): ${r.stderr}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Two-sided 95 % Student-t quantiles for 1 and 2 degrees of freedom (tables). */
const T975: Record<number, number> = { 1: 12.7062, 2: 4.3027 };

describe('a tiny reproduction through the CLI', () => {
  const suite = JSON.parse(readFileSync(SUITE, 'utf8'));
  const runs = () => readdirSync(join(results, 'runs')).map((f) => JSON.parse(readFileSync(join(results, 'runs', f), 'utf8')) as RunFile);

  it('clbench run writes the published numbers beside the runs; naive-sgd trained with SGD lr 0.01', () => {
    const carried = JSON.parse(readFileSync(join(results, 'published', `${NAME}.json`), 'utf8'));
    expect(carried).toEqual(suite.published);
    const rs = runs();
    expect(rs).toHaveLength(8);
    expect(rs.every((r) => r.status === 'ok')).toBe(true);
    for (const r of rs) expect([r.label, r.config.training.optimizer, r.config.training.lr]).toEqual(r.label === 'naive-sgd' ? ['naive-sgd', 'sgd', 0.01] : [r.label, 'adam', 0.001]);
  });

  it('clbench report prints published vs measured, with means and verdicts recomputed from the run files', () => {
    const r = clbench('report', results, '--out', join(dir, 'report'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('warning');
    const md = readFileSync(join(dir, 'report', 'summary.md'), 'utf8');
    expect(md).toContain('### Published vs measured');
    expect(md).toContain('Source: Hsu, Liu, Ramasamy, Kira 2018');
    const rs = runs();
    for (const [label, pub] of Object.entries(suite.published.methods as Record<string, Row>)) {
      const accs = rs.filter((x) => x.label === label).map((x) => 100 * x.metrics.acc);
      const n = accs.length, mean = accs.reduce((a, b) => a + b) / n;
      const h = (T975[n - 1] * Math.sqrt(accs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1))) / Math.sqrt(n);
      const d = mean - pub.mean, tol = Math.max(pub.std ?? 0, h);
      const verdict = Math.abs(d) <= pub.std! ? 'within' : Math.abs(d) <= h ? 'within our CI' : d > 0 ? 'above' : 'below';
      const row = md.split('\n').find((l) => l.startsWith(`| ${label} | ${pub.mean.toFixed(2)} ± `));
      expect(row, label).toBeDefined();
      expect(row!.split(' | ').map((c) => c.trim())).toEqual([
        `| ${label}`, `${pub.mean.toFixed(2)} ± ${pub.std!.toFixed(2)} (${pub.runs})`, `${mean.toFixed(2)} ± ${h.toFixed(2)} (${n})`,
        `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(2)}`, tol.toFixed(2), `${verdict} |`,
      ]);
    }
    expect(md).toMatch(/\| clnp \| – \| \d+\.\d\d ± \d+\.\d\d \(2\) \| – \| – \| ours only \|/);
    expect(md).toContain(`![published vs measured](${NAME}-published.png)`);
    expect(readFileSync(join(dir, 'report', 'index.html'), 'utf8')).toContain('<h3>Published vs measured</h3>');
  });

  it('two results directories with different published numbers for one suite: exit 2, one line naming both', () => {
    cpSync(results, join(dir, 'other'), { recursive: true });
    const file = join(dir, 'other', 'published', `${NAME}.json`);
    const pub = JSON.parse(readFileSync(file, 'utf8'));
    pub.methods.ewc.mean = 50;
    writeFileSync(file, JSON.stringify(pub));
    const r = clbench('report', results, join(dir, 'other'), '--out', join(dir, 'bad'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`suite "${NAME}": ${results}/published and ${join(dir, 'other')}/published hold different published numbers`);
  });

  it('a corrupt published file: exit 2, one line naming the file and the field', () => {
    const file = join(dir, 'other', 'published', `${NAME}.json`);
    writeFileSync(file, JSON.stringify({ ...suite.published, metric: 'accuracy' }));
    const r = clbench('report', join(dir, 'other'), '--out', join(dir, 'bad2'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${file}: metric: `);
    writeFileSync(file, '{ not json');
    const r2 = clbench('report', join(dir, 'other'), '--out', join(dir, 'bad2'));
    expect([r2.status, r2.stderr.trim().split('\n').length]).toEqual([2, 1]);
    expect(r2.stderr).toContain(`${file}: invalid JSON`);
  });
});
