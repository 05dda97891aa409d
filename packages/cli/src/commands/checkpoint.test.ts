/**
 * Per-task checkpoints through the real CLI: a process killed mid-task (SIGKILL) or stopped for
 * preemption (SIGTERM) and started again ends with the same run record as an uninterrupted run
 * (timings aside); corrupt, foreign and stale checkpoints are named in one line and never give a
 * wrong result.
 */
import { encodeState, type OkRun, type RunResult } from '@clbench/core';
import { checkpointPath, CODE_VERSION, configHash, expandMatrix, loadSuite, openCheckpoint, readResults, writeCheckpoint } from '@clbench/runner';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const tmp = (tag: string) => mkdtempSync(join(tmpdir(), `clbench-ckpt-${tag}-`));
const clbench = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

/** One CLNP run of 4 tasks, slow enough per task (~1 s) to be killed in the middle of one. */
function suiteFile(): string {
  const file = join(tmp('suite'), 'suite.json');
  writeFileSync(file, JSON.stringify({
    name: 'ckpt', dataset: { name: 'mnist', limit: 150 },
    scenario: { type: 'split', incremental: 'task', tasks: 4, classesPerTask: 2 },
    network: { layers: [{ type: 'dense', units: 64 }, { type: 'dense', units: 64 }] }, training: { optimizer: 'adam', lr: 0.002, epochs: 3, batchSize: 16 },
    methods: [{ name: 'clnp' }], seeds: [5],
  }));
  return file;
}

/** A record without what legitimately differs between executions (times, sizes of this host, checkpoint counters). */
function comparable(r: RunResult): unknown {
  expect(r.status).toBe('ok');
  const { startedAt, finishedAt, timing, peakRssBytes, checkpoints, attempts, ...rest } = r as OkRun;
  void startedAt; void finishedAt; void timing; void peakRssBytes; void checkpoints; void attempts;
  return JSON.parse(JSON.stringify(rest, (k, v) => (/seconds/i.test(k) ? undefined : v)));
}

const onlyRecord = (dir: string) => { const rs = readResults(dir); expect(rs).toHaveLength(1); return rs[0]; };
const ckptFiles = (dir: string) => (existsSync(join(dir, 'checkpoints')) ? readdirSync(join(dir, 'checkpoints')) : []);

/** Start `clbench run`, send `signal` once the checkpoint after task `after` exists, wait for the exit. */
async function interrupted(suite: string, dir: string, signal: NodeJS.Signals, after: number): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, 'run', suite, '--out', dir, '--workers', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const path = checkpointPath(dir, expandMatrix(loadSuite(suite))[0].runId);
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      const r = existsSync(path) ? openCheckpoint(path) : null;
      if (r?.ok && r.header.tasksDone >= after) { clearInterval(poll); setTimeout(() => { child.kill(signal); resolve(); }, 150); }
    }, 20);
    child.on('exit', () => { clearInterval(poll); reject(new Error(`the run ended before it could be interrupted: ${stderr}`)); });
  });
  const code = await new Promise<number | null>((resolve) => { if (child.exitCode !== null) resolve(child.exitCode); else child.on('exit', (c) => resolve(c)); });
  return { code, stderr };
}

describe('clbench run with per-task checkpoints', () => {
  const suite = suiteFile();
  let reference: RunResult;

  it('uninterrupted: one record, checkpoints written after tasks 0–2 and deleted with the record (kept with --keep-checkpoints)', () => {
    const dir = tmp('whole');
    const r = clbench(['run', suite, '--out', dir, '--workers', '1', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    reference = onlyRecord(dir);
    expect((reference as OkRun).checkpoints).toMatchObject({ writes: 3, resumedAfterTasks: [] });
    expect((reference as OkRun).checkpoints!.bytes).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'checkpoints'))).toBe(false);                  // the emptied folder goes too
    const kept = tmp('kept');
    expect(clbench(['run', suite, '--out', kept, '--workers', '1', '--quiet', '--keep-checkpoints']).status).toBe(0);
    expect(ckptFiles(kept).sort()).toEqual([`${reference.runId}.ckpt`, `${reference.runId}.prev.ckpt`]);
    // as if killed between writing the record and deleting the checkpoints: the next start removes them
    expect(clbench(['run', suite, '--out', kept, '--workers', '1', '--quiet']).status).toBe(0);
    expect(ckptFiles(kept)).toEqual([]);
  });

  it('SIGKILL in the middle of task 2, then a new start: the same record, resumed after 2 tasks', async () => {
    const dir = tmp('sigkill');
    const { code } = await interrupted(suite, dir, 'SIGKILL', 2);
    expect(code).toBeNull();                                                  // killed
    expect(readResults(dir)).toHaveLength(0);
    const r = clbench(['run', suite, '--out', dir, '--workers', '1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/resuming after task \d/);
    const resumed = onlyRecord(dir) as OkRun;
    expect(resumed.checkpoints!.resumedAfterTasks.length).toBe(1);
    expect(comparable(resumed)).toEqual(comparable(reference));
    expect(ckptFiles(dir)).toEqual([]);
  });

  it('SIGTERM (preemption): exits 143 at a step boundary with no record, and the next start resumes to the same record', async () => {
    const dir = tmp('sigterm');
    const { code, stderr } = await interrupted(suite, dir, 'SIGTERM', 1);
    expect(code, stderr).toBe(143);
    expect(stderr).toMatch(/stopped .* at a step boundary/);
    expect(readResults(dir)).toHaveLength(0);
    const r = clbench(['run', suite, '--out', dir, '--workers', '1', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(comparable(onlyRecord(dir))).toEqual(comparable(reference));
  });

  it('truncated, bit-flipped, foreign-version, -config and -backend checkpoints: one line each, never a wrong result; --fresh ignores a good one', () => {
    const runId = reference.runId;
    /** A finished run's directory with its record removed and its kept checkpoints (after tasks 2 and 1) damaged by `damage`. */
    const make = (tag: string, damage: (path: string) => void, keepPrevious: boolean) => {
      const dir = tmp(tag);
      const first = clbench(['run', suite, '--out', dir, '--workers', '1', '--quiet', '--keep-checkpoints']);
      expect(first.status, `${tag}: ${first.stderr}`).toBe(0);
      const path = checkpointPath(dir, runId);
      rmSync(join(dir, 'runs', `${runId}.json`));
      damage(path);                                                            // (writeCheckpoint moves the good one to .prev)
      if (!keepPrevious) rmSync(path.replace(/\.ckpt$/, '.prev.ckpt'));
      return dir;
    };
    const header = (over: Record<string, unknown>) => ({ format: 1, codeVersion: CODE_VERSION, backend: 'wasm', runId, configHash: 'x', tasksDone: 3, resumes: [], ...over });
    const cases: [string, (p: string) => void, RegExp, boolean, RegExp | null][] = [
      // a truncated file falls back to the previous checkpoint: the last good one
      ['truncated', (p) => writeFileSync(p, readFileSync(p).subarray(0, 1000)), /checksum mismatch \(truncated or corrupt\)/, true, /resuming after task 1 /],
      ['bitflip', (p) => { const b = readFileSync(p); b[b.length - 7] ^= 0x10; writeFileSync(p, b); }, /checksum mismatch/, false, null],
      ['version', (p) => writeCheckpoint(p, header({ codeVersion: 'clbench-0.0.1' }), encodeState({})), /written by clbench-0\.0\.1, this is clbench-/, false, null],
      ['config', (p) => writeCheckpoint(p, header({ configHash: 'another' }), encodeState({})), /written for another run config/, false, null],
      ['backend', (p) => writeCheckpoint(p, header({ backend: 'cpu' }), encodeState({})), /written on backend cpu, this run uses wasm/, false, null],
      // every header field right, the state unusable: found only when restoring it; the run starts again from task 0
      ['unfit', (p) => writeCheckpoint(p, header({ configHash: configHash(expandMatrix(loadSuite(suite))[0].config) }), encodeState({ version: 99 })),
        /its state does not fit this run \(state run\.version: 99, this code reads version 1\); starting from task 0/, false, /resuming after task 2 /],
    ];
    for (const [tag, damage, why, keepPrevious, resumed] of cases) {
      const dir = make(tag, damage, keepPrevious);
      const r = clbench(['run', suite, '--out', dir, '--workers', '1']);
      expect(r.status, `${tag}: ${r.stderr}`).toBe(0);
      const lines = r.stderr.split('\n').filter((l) => l.includes('checkpoint not resumed'));
      expect(lines, tag).toHaveLength(1);
      expect(lines[0]).toMatch(why);
      if (resumed) expect(r.stderr, tag).toMatch(resumed); else expect(r.stderr, tag).not.toMatch(/resuming after/);
      expect(comparable(onlyRecord(dir)), tag).toEqual(comparable(reference));
    }
    const fresh = make('fresh', () => {}, true);
    const r = clbench(['run', suite, '--out', fresh, '--workers', '1', '--fresh']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/resuming after|checkpoint not resumed/);
    expect((onlyRecord(fresh) as OkRun).checkpoints!.resumedAfterTasks).toEqual([]);
    expect(comparable(onlyRecord(fresh))).toEqual(comparable(reference));
  });
});
