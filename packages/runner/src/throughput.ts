/**
 * Throughput of the pool, for `clbench bench`: a suite run fresh with N workers, against
 * the same runs split over N independent plain processes (no pool, no store) — the
 * aggregate the pool should reach (the bench's goal: ≥ 0.9 of it, packages/runner/src/bench).
 */
import type { BackendName, RunResult, Suite } from '@clbench/core';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expandMatrix } from './matrix.js';
import { runSpecs } from './run-suite.js';
import { shardSpecs } from './shard.js';

export interface Throughput {
  mode: 'pool' | 'processes';
  /** Worker threads (pool) or independent processes. */
  workers: number;
  runs: number;
  failed: number;
  wallSeconds: number;
  runsPerSecond: number;
  /** Training samples (all runs) per wall-clock second. */
  samplesPerSecond: number;
}

/** Training samples a finished run processed. */
export const samplesOf = (r: RunResult) => (r.status === 'ok' ? Math.round(r.timing.samplesPerSecond * r.timing.trainSeconds) : 0);

const summarise = (mode: Throughput['mode'], workers: number, runs: number, failed: number, samples: number, wallSeconds: number): Throughput =>
  ({ mode, workers, runs, failed, wallSeconds, runsPerSecond: runs / wallSeconds, samplesPerSecond: samples / wallSeconds });

/** Run the whole suite (fresh, into a temp dir) on a pool of `workers` threads; wall time includes pool start-up. */
export async function measurePoolThroughput(suite: Suite, opts: { workers: number; backend: BackendName }): Promise<Throughput> {
  const dir = mkdtempSync(join(tmpdir(), 'clbench-throughput-'));
  try {
    const t0 = performance.now();
    const s = await runSpecs(suite.name, expandMatrix(suite), { out: dir, backend: opts.backend, workers: opts.workers, fresh: true });
    const wall = (performance.now() - t0) / 1000;
    return summarise('pool', opts.workers, s.results.length, s.failed, s.results.reduce((n, r) => n + samplesOf(r), 0), wall);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const RAW_PATH = fileURLToPath(new URL('./raw-process.js', import.meta.url));

/** The same runs dealt round-robin to `processes` independent node processes, each training its runs one after another. */
export async function measureRawProcesses(suite: Suite, opts: { processes: number; backend: BackendName }): Promise<Throughput> {
  const specs = expandMatrix(suite);
  const dir = mkdtempSync(join(tmpdir(), 'clbench-raw-'));
  try {
    const files = Array.from({ length: Math.min(opts.processes, specs.length) }, (_, i) => {
      const file = join(dir, `specs-${i}.json`);
      writeFileSync(file, JSON.stringify(shardSpecs(specs, { index: i, count: Math.min(opts.processes, specs.length) })));
      return file;
    });
    const t0 = performance.now();
    const outs = await Promise.all(files.map((f) => runNode([RAW_PATH, f, opts.backend])));
    const wall = (performance.now() - t0) / 1000;
    const parsed = outs.map((o) => JSON.parse(o) as { runs: number; failed: number; samples: number });
    const sum = (k: 'runs' | 'failed' | 'samples') => parsed.reduce((n, p) => n + p[k], 0);
    return summarise('processes', opts.processes, sum('runs'), sum('failed'), sum('samples'), wall);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runNode(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args[0]} exited with code ${code}`))));
  });
}
