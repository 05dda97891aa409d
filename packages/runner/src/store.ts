/**
 * The results store: DIR/runs/<runId>.json, one file per finished run, written
 * atomically (temp file in the same directory, fsync, rename, fsync of the directory),
 * so a process killed at any moment leaves either the whole file or none. Several
 * processes (shards) may write into one directory: a temp file names its host and pid,
 * and is removed on open only when that process is gone.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { RunResultSchema, type RunResult } from '@clbench/core';
import { InputError } from './suite-file.js';

const HOST = hostname().replace(/[^a-zA-Z0-9.]/g, '_');
const TMP = /\.tmp-([^-]+)-(\d+)-[a-z0-9]+$/;
/** Temp files of another host are removed only when this old (its writer cannot be checked). */
const FOREIGN_TMP_MAX_AGE_MS = 24 * 3600_000;

export class ResultsStore {
  readonly runsDir: string;
  constructor(readonly dir: string) {
    this.runsDir = join(dir, 'runs');
    mkdirSync(this.runsDir, { recursive: true });
    this.removeStaleTemps();
  }

  /** Ids of runs finished successfully (failed runs are retried on resume; an unreadable file is rewritten). */
  finishedIds(): Set<string> {
    return new Set(readValidResults(this.dir).filter((r) => r.status === 'ok').map((r) => r.runId));
  }

  /** The results of these runs that are on disk (ok or failed); missing or unreadable files are left out. */
  results(ids: Iterable<string>): Map<string, RunResult> {
    const out = new Map<string, RunResult>();
    for (const id of ids) {
      try {
        const r = RunResultSchema.parse(JSON.parse(readFileSync(join(this.runsDir, `${id}.json`), 'utf8')));
        if (r.runId === id) out.set(id, r);
      } catch { /* not written (yet), or not a valid result */ }
    }
    return out;
  }

  write(result: RunResult): void {
    const valid = RunResultSchema.parse(result);
    const file = join(this.runsDir, `${valid.runId}.json`);
    const tmp = `${file}.tmp-${HOST}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
    const fd = openSync(tmp, 'w');
    try { writeSync(fd, JSON.stringify(valid, null, 1) + '\n'); fsyncSync(fd); } finally { closeSync(fd); }
    renameSync(tmp, file);
    syncDir(this.runsDir);
  }

  readAll(): RunResult[] {
    return readResults(this.dir);
  }

  private removeStaleTemps(): void {
    for (const f of readdirSync(this.runsDir)) {
      const m = TMP.exec(f);
      if (!m) continue;
      const path = join(this.runsDir, f);
      const stale = m[1] === HOST ? !processAlive(Number(m[2])) : ageMs(path) > FOREIGN_TMP_MAX_AGE_MS;
      if (stale) rmSync(path, { force: true });
    }
  }
}

/**
 * Before a run: the results directory and its runs/ must be directories, or not exist yet
 * (the store makes them). Throws an InputError naming the path.
 */
export function checkResultsDir(dir: string): void {
  for (const path of [dir, join(dir, 'runs')]) {
    let isDir: boolean;
    try { isDir = statSync(path).isDirectory(); } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      throw new InputError(`--out ${dir}: cannot use ${path} as a results directory (${code === 'ENOTDIR' ? 'a parent of it is a file' : code})`);
    }
    if (!isDir) throw new InputError(`--out ${dir}: ${path} is a file, not a results directory`);
  }
}

/** Make a rename durable: fsync the directory (not supported on every platform; best effort). */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try { fd = openSync(dir, 'r'); fsyncSync(fd); } catch { /* e.g. Windows */ } finally { if (fd !== undefined) closeSync(fd); }
}

function processAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

function ageMs(path: string): number {
  try { return Date.now() - statSync(path).mtimeMs; } catch { return 0; }
}

/**
 * The valid run files of a results directory, skipping what is not one (an unreadable or
 * invalid file, a file not named after its run id, no runs/ directory): for resume, not reports.
 */
export function readValidResults(dir: string): RunResult[] {
  const runsDir = join(dir, 'runs');
  let files: string[];
  try { files = readdirSync(runsDir).filter((f) => f.endsWith('.json')); } catch { return []; }
  const results: RunResult[] = [];
  for (const f of files) {
    try {
      const r = RunResultSchema.parse(JSON.parse(readFileSync(join(runsDir, f), 'utf8')));
      if (f === `${r.runId}.json`) results.push(r);
    } catch { /* not a valid result: the run is not finished */ }
  }
  return results;
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
