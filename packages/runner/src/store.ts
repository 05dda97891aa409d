/**
 * The results store: DIR/runs/<runId>.json, one file per finished run, written
 * atomically (temp file in the same directory, fsync, rename), so a killed process
 * leaves either the whole file or none. Temp files from a killed writer are removed on open.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { RunResultSchema, type RunResult } from '@clbench/core';

export class ResultsStore {
  readonly runsDir: string;
  constructor(readonly dir: string) {
    this.runsDir = join(dir, 'runs');
    mkdirSync(this.runsDir, { recursive: true });
    for (const f of readdirSync(this.runsDir)) if (f.includes('.tmp-')) rmSync(join(this.runsDir, f), { force: true });
  }

  /** Ids of runs finished successfully (failed runs are retried on resume). */
  finishedIds(): Set<string> {
    return new Set(this.readAll().filter((r) => r.status === 'ok').map((r) => r.runId));
  }

  write(result: RunResult): void {
    const valid = RunResultSchema.parse(result);
    const file = join(this.runsDir, `${valid.runId}.json`);
    const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const fd = openSync(tmp, 'w');
    try { writeSync(fd, JSON.stringify(valid, null, 1) + '\n'); fsyncSync(fd); } finally { closeSync(fd); }
    renameSync(tmp, file);
  }

  readAll(): RunResult[] {
    return readResults(this.dir);
  }
}

/** Read and validate every run file of a results directory. */
export function readResults(dir: string): RunResult[] {
  const runsDir = join(dir, 'runs');
  let files: string[];
  try { files = readdirSync(runsDir).filter((f) => f.endsWith('.json')).sort(); } catch { throw new Error(`${dir}: no runs/ directory (is this a results directory written by \`clbench run\`?)`); }
  return files.map((f) => {
    const path = join(runsDir, f);
    let json: unknown;
    try { json = JSON.parse(readFileSync(path, 'utf8')); } catch (e) { throw new Error(`${path}: invalid JSON (${(e as Error).message})`); }
    const parsed = RunResultSchema.safeParse(json);
    if (!parsed.success) { const i = parsed.error.issues[0]; throw new Error(`${path}: ${i.path.join('.') || '(top level)'}: ${i.message}`); }
    return parsed.data;
  });
}
