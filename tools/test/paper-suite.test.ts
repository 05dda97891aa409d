/**
 * tools/gpu/paper-suite.sh end to end on llvmpipe (Dawn's OpenGL ES backend over Mesa, a CPU that
 * computes: what CI has instead of a GPU; see packages/runner/src/webgpu-llvmpipe.test.ts). Tiny
 * widths and suites: the script's steps, its choice of processes, its output folder, its stop at
 * the limit and its resumption are what is checked, not speed.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const installed = (() => { try { createRequire(join(root, 'package.json')).resolve('webgpu'); return true; } catch { return false; } })();
const llvmpipe = ['/usr/lib/x86_64-linux-gnu/libEGL_mesa.so.0', '/usr/lib/aarch64-linux-gnu/libEGL_mesa.so.0'].some(existsSync);
const TINY = join(root, 'tools/gpu/paper-suite-tiny.json');

function script(args: string[]) {
  const r = spawnSync('bash', [join(root, 'tools/gpu/paper-suite.sh'), ...args], {
    cwd: root, encoding: 'utf8', env: { ...process.env, CLBENCH_DAWN_BACKEND: 'opengles' }, timeout: 280_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Run records in a results folder, by status. */
function records(dir: string): { ok: number; failed: number; backends: Set<string> } {
  const runs = readdirSync(join(dir, 'runs')).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(dir, 'runs', f), 'utf8')) as { status: string; backend: string });
  return { ok: runs.filter((r) => r.status === 'ok').length, failed: runs.filter((r) => r.status !== 'ok').length, backends: new Set(runs.map((r) => r.backend)) };
}

describe.skipIf(!(installed && (llvmpipe || process.env.CI)))('tools/gpu/paper-suite.sh on llvmpipe', () => {
  const first = mkdtempSync(join(tmpdir(), 'clbench-paper-suite-'));

  it('measures the step, the shared device at 1 and 2 processes, picks the processes, and runs the suite to the end', () => {
    const { code, out } = script(['--suite', TINY, '--widths', '16', '--workers', '1 2', '--out', first, '--limit', '400']);
    expect(code, out).toBe(0);
    expect(out).toMatch(/adapter llvmpipe/);
    const step = JSON.parse(readFileSync(join(first, 'bench-step-16.json'), 'utf8'));
    expect(step.steps[0]).toMatchObject({ method: 'naive', uploads: 0 });
    expect(step.steps[0].programs).toBeGreaterThanOrEqual(20);
    expect(step.steps[0].programs).toBeLessThan(21);                       // 20 a step, a loss read's stack every 32 steps
    const shared = JSON.parse(readFileSync(join(first, 'bench-shared.json'), 'utf8')).shared;
    expect(shared.map((r: { workers: number; failed: number }) => [r.workers, r.failed])).toEqual([[1, 0], [2, 0]]);
    const chosen = Number(/with (\d+) process\(es\)/.exec(out)![1]);
    const best = Math.max(...shared.map((r: { trainStepsPerSecond: number }) => r.trainStepsPerSecond));
    expect(shared.find((r: { workers: number }) => r.workers === chosen).trainStepsPerSecond).toBeGreaterThanOrEqual(0.9 * best);
    const tiny = JSON.parse(readFileSync(TINY, 'utf8'));
    expect(records(first)).toEqual({ ok: tiny.methods.length * tiny.seeds.length, failed: 0, backends: new Set(['webgpu']) });
    expect(readFileSync(join(first, 'paper-suite.log'), 'utf8')).toMatch(/suite finished \(exit 0\)/);
  });

  it('stops the suite at the limit (exit 3, runs in flight keep their checkpoints) and, called again, skips the benchmarks and resumes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clbench-paper-suite-resume-'));
    for (const f of ['bench-step-16.json', 'bench-shared.json']) copyFileSync(join(first, f), join(dir, f));
    // Longer runs than the first test's (more digits, more epochs), so that the limit falls inside the suite.
    const suite = JSON.parse(readFileSync(TINY, 'utf8'));
    Object.assign(suite, { name: 'paper-suite-tiny-longer', dataset: { name: 'mnist', limit: 40 }, training: { ...suite.training, epochs: 4 } });
    const file = join(dir, 'suite.json');
    writeFileSync(file, JSON.stringify(suite));
    const total = suite.methods.length * suite.seeds.length;

    const stopped = script(['--suite', file, '--widths', '16', '--out', dir, '--limit', '50']);
    expect(stopped.code, stopped.out).toBe(3);
    expect(stopped.out).toMatch(/measured before/);
    expect(stopped.out).toMatch(/stopped at the limit/);
    const done = existsSync(join(dir, 'runs')) ? records(dir).ok : 0;
    expect(done).toBeLessThan(total);
    const inFlight = existsSync(join(dir, 'checkpoints')) ? readdirSync(join(dir, 'checkpoints')).filter((f) => /^[0-9a-f]{16}\.ckpt$/.test(f)).length : 0;

    const resumed = script(['--suite', file, '--widths', '16', '--out', dir, '--limit', '400']);
    expect(resumed.code, resumed.out).toBe(0);
    expect(resumed.out).toContain(`${total} runs, ${done} already finished`);
    if (inFlight) expect(resumed.out).toMatch(/resuming after task \d/);
    expect(records(dir)).toEqual({ ok: total, failed: 0, backends: new Set(['webgpu']) });
  });
});
