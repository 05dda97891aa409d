/**
 * Memory on full-size data, for `clbench bench` (issue 14: one copy of the data per
 * process). Each measurement is a fresh `clbench run` process on full MNIST (split,
 * task-incremental, 5 tasks, 1 epoch, naive, one seed per worker): its peak RSS (the
 * largest peakRssBytes its run records report: the whole process, all worker threads)
 * and the mean training samples/s of its runs. Goals: ≤ 400 MB with 1 worker, ≤ 600 MB
 * with 2. With `before` (another built clbench checkout, e.g. the main branch), the same
 * runs go through its CLI too, interleaved with ours, for a before/after table; it reads
 * the same files as a { dir } source, so versions without "full" can run it.
 * The CLI to spawn is passed in (`cli`): the runner never imports the CLI's code.
 */
import type { BackendName, NetworkConfig, RunResult } from '@clbench/core';
import { mnistDataDir } from '@clbench/data';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MemoryReport, MemoryRow } from './types.js';

export interface MemoryOptions {
  /** The clbench CLI entry to measure (a built packages/cli/dist/main.js), run as `node CLI run …`. */
  cli: string;
  backend: BackendName;
  network: NetworkConfig;
  /** A built clbench checkout to measure too, interleaved with ours (before/after). */
  before?: string;
  log: (line: string) => void;
}

/** The CLI entry of a built clbench checkout. */
export const checkoutCli = (checkout: string) => join(checkout, 'packages', 'cli', 'dist', 'main.js');

/** `clbench run` on the memory suite in a fresh process; its peak RSS and training speed. */
function measure(cli: string, source: unknown, network: NetworkConfig, workers: number, backend: BackendName): Omit<MemoryRow, 'code'> {
  const dir = mkdtempSync(join(tmpdir(), 'clbench-memory-'));
  try {
    const suite = {
      name: 'bench-memory', dataset: { name: 'mnist', source }, scenario: { type: 'split', incremental: 'task', tasks: 5, classesPerTask: 2 },
      network, training: { epochs: 1, batchSize: 128 }, methods: [{ name: 'naive' }], seeds: Array.from({ length: workers }, (_, i) => i),
    };
    writeFileSync(join(dir, 'suite.json'), JSON.stringify(suite));
    const p = spawnSync(process.execPath, [cli, 'run', join(dir, 'suite.json'), '--out', join(dir, 'out'), '--workers', String(workers), '--backend', backend, '--quiet'], { encoding: 'utf8' });
    if (p.status !== 0) throw new Error(`memory bench: ${cli} exited with ${p.status ?? p.signal}: ${(p.stderr || p.stdout).trim().split('\n').pop()}`);
    const runs = readdirSync(join(dir, 'out', 'runs')).map((f) => JSON.parse(readFileSync(join(dir, 'out', 'runs', f), 'utf8')) as RunResult);
    const ok = runs.filter((r) => r.status === 'ok');
    if (ok.length !== workers) throw new Error(`memory bench: ${workers - ok.length} of ${workers} runs failed (${cli})`);
    return {
      workers,
      peakRssMB: Math.max(...ok.map((r) => r.peakRssBytes)) / 2 ** 20,
      samplesPerSecond: ok.reduce((a, r) => a + (r.status === 'ok' ? r.timing.samplesPerSecond : 0), 0) / ok.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function measureMemory(opts: MemoryOptions): MemoryReport {
  const rows: MemoryRow[] = [];
  const beforeCli = opts.before && checkoutCli(opts.before);
  for (const workers of [1, 2]) {
    // interleaved: the before run right before ours, so both see the same machine load
    if (beforeCli) {
      rows.push({ code: 'before', ...measure(beforeCli, { dir: mnistDataDir() }, opts.network, workers, opts.backend) });
      opts.log(`  before, ${workers} worker(s): peak RSS ${rows[rows.length - 1].peakRssMB.toFixed(0)} MB`);
    }
    rows.push({ code: 'after', ...measure(opts.cli, 'full', opts.network, workers, opts.backend) });
    opts.log(`  ${workers} worker(s): peak RSS ${rows[rows.length - 1].peakRssMB.toFixed(0)} MB`);
  }
  const hidden = opts.network.layers.map((l) => (l.type === 'dense' ? l.units : l.type)).join('-');
  return { suite: `full MNIST (60 000 digits), split task-IL 5 tasks, 784-${hidden}, 1 epoch, naive, one seed per worker`, rows, before: opts.before };
}
