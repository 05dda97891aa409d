import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failedRun } from './execute.js';
import { expandMatrix } from './matrix.js';
import { readResults, ResultsStore } from './store.js';
import { tempDir, tinySuite } from './test-util.js';

const [spec, other] = expandMatrix(tinySuite());
const host = hostname().replace(/[^a-zA-Z0-9.]/g, '_');
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!; // a process that has exited

describe('results store', () => {
  it('writes one file per run atomically and overwrites a failed record with a later one', () => {
    const dir = tempDir('store');
    const store = new ResultsStore(dir);
    store.write(failedRun(spec, 'boom', { backend: 'wasm', startedAt: 'x', attempts: 1 }));
    expect(store.finishedIds().size).toBe(0); // failed runs are rerun on resume
    store.write(failedRun(spec, 'boom again', { backend: 'wasm', startedAt: 'x', attempts: 2 }));
    expect(readdirSync(store.runsDir)).toEqual([`${spec.runId}.json`]);
    const r = readResults(dir)[0];
    expect(r.status === 'failed' && [r.error, r.attempts]).toEqual(['boom again', 2]);
    expect(() => store.write({ ...r, runId: undefined } as never)).toThrow();
    expect(readdirSync(store.runsDir)).toEqual([`${spec.runId}.json`]); // a rejected record leaves nothing behind
  });

  it('on open removes temp files of dead writers only; finishedIds skips unreadable files', () => {
    const dir = tempDir('tmp');
    const runs = new ResultsStore(dir).runsDir;
    const dead = `${spec.runId}.json.tmp-${host}-${deadPid()}-abc123`;
    const live = `${spec.runId}.json.tmp-${host}-${process.pid}-def456`;
    const foreign = `${spec.runId}.json.tmp-otherhost-1-ghi789`;
    for (const f of [dead, live, foreign]) writeFileSync(join(runs, f), '{"half": ');
    writeFileSync(join(runs, `${other.runId}.json`), '{"truncated": ');
    const store = new ResultsStore(dir);
    expect(readdirSync(runs).sort()).toEqual([`${other.runId}.json`, live, foreign].sort());
    expect(store.finishedIds().size).toBe(0);
    expect(() => readResults(dir)).toThrow(`${join(runs, `${other.runId}.json`)}: invalid JSON`);
    expect(readFileSync(join(runs, live), 'utf8')).toBe('{"half": ');
  });
});
