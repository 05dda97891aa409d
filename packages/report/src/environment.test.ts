import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregate } from './aggregate.js';
import { environment, environmentLines } from './environment.js';
import { runSet } from './runs.fixtures.js';

const h100 = { vendor: 'nvidia', architecture: '', device: 'nvidia-h100-80gb-hbm3', description: 'NVIDIA: 580.159.04', dawnBackend: 'vulkan', selector: '0' };

describe('environment block: GPUs', () => {
  it('counts webgpu runs per adapter, and has no GPUs line without them', () => {
    const runs = runSet({ methods: ['naive', 'clnp'], seeds: 3, T: 2 });
    const onGpu = runs.map((r, i) => (i < 4 ? { ...r, backend: 'webgpu', gpu: h100 } : r));
    const lines = Object.fromEntries(environmentLines(environment(aggregate(onGpu).suites[0].methods, { resultsDirs: ['x'] })));
    expect(lines.GPUs).toBe('nvidia-h100-80gb-hbm3 (NVIDIA: 580.159.04) (4 runs)');
    expect(lines.backends).toContain('webgpu (4 runs)');
    expect(Object.fromEntries(environmentLines(environment(aggregate(runs).suites[0].methods, { resultsDirs: ['x'] }))).GPUs).toBeUndefined();
  });
});

describe('environment block: resumed runs', () => {
  it('names each run resumed from a checkpoint and after how many tasks; none when all ran through; no line for records without checkpoints', () => {
    const runs = runSet({ methods: ['naive', 'clnp'], seeds: 2, T: 3 });
    const lineOf = (rs: typeof runs) => Object.fromEntries(environmentLines(environment(aggregate(rs).suites[0].methods, { resultsDirs: ['x'] })))['resumed from checkpoints'];
    expect(lineOf(runs)).toBeUndefined();
    const through = runs.map((r) => ({ ...r, checkpoints: { writes: 2, bytes: 10, writeSeconds: 0.1, resumedAfterTasks: [] } }));
    expect(lineOf(through)).toBe(`none of ${runs.length} checkpointed runs`);
    const resumed = through.map((r, i) => (i === 1 ? { ...r, checkpoints: { ...r.checkpoints, resumedAfterTasks: [1, 2] } } : r));
    const r1 = resumed[1];
    expect(lineOf(resumed)).toBe(`1 of ${runs.length} checkpointed runs: ${r1.label} seed=${r1.seed} (${r1.runId}): 2 resumes, after 1 task, 2 tasks`);
  });
});

describe('environment block: git commit', () => {
  it('an edited report or result is not an uncommitted change of the code; an edited source file is', () => {
    const repo = mkdtempSync(join(tmpdir(), 'clbench-env-git-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: repo, encoding: 'utf8' }).trim();
    git('init', '-q');
    for (const f of ['reports/a/summary.md', 'results/a/runs/x.json', 'packages/p.ts']) { mkdirSync(join(repo, f, '..'), { recursive: true }); writeFileSync(join(repo, f), 'v1'); }
    git('add', '.'); git('commit', '-qm', 'one');
    const head = git('rev-parse', 'HEAD');
    const commitOf = () => environment(aggregate(runSet({ methods: ['naive'], seeds: 1, T: 2 })).suites[0].methods, { resultsDirs: ['x'], cwd: join(repo, 'reports') }).gitCommit;
    writeFileSync(join(repo, 'reports/a/summary.md'), 'v2');
    writeFileSync(join(repo, 'results/a/runs/x.json'), 'v2');
    expect(commitOf()).toBe(head);
    writeFileSync(join(repo, 'packages/p.ts'), 'v2');
    expect(commitOf()).toBe(`${head} (with uncommitted changes)`);
  });
});
