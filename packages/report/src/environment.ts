/**
 * The environment block of a report: what produced the results (backends, code versions,
 * when the runs ran) and what produced the report (package versions, git commit, machine, date).
 * Results files do not record the machine they ran on, so "machine" is the report's.
 */
import type { RunResult } from '@clbench/core';
import { execFileSync } from 'node:child_process';
import { cpus, platform, arch, totalmem, release } from 'node:os';
import { installedPackage } from './packages.js';

export interface Environment {
  generatedAt: string;
  resultsDirs: string[];
  /** backend name → number of runs that used it */
  backends: Record<string, number>;
  codeVersions: string[];
  /** first start and last finish over all runs */
  runsPeriod?: { from: string; to: string };
  gitCommit: string;
  machine: string;
  node: string;
  /** package name → version ("not installed" when absent) */
  packages: Record<string, string>;
}

const PACKAGES = ['@clbench/core', '@clbench/runner', '@clbench/report', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'vega', 'vega-lite', 'vega-embed', '@resvg/resvg-js'];

function gitCommit(cwd: string): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const head = git('rev-parse', 'HEAD');
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

export function environment(results: RunResult[], opts: { resultsDirs: string[]; cwd?: string; now?: Date }): Environment {
  const backends: Record<string, number> = {};
  for (const r of results) backends[r.backend] = (backends[r.backend] ?? 0) + 1;
  const starts = results.map((r) => r.startedAt).sort();
  const ends = results.map((r) => r.finishedAt).sort();
  const cpu = cpus();
  const packages: Record<string, string> = {};
  for (const name of PACKAGES) {
    const v = installedPackage(name)?.version;
    if (v || !name.startsWith('@tensorflow/tfjs-node')) packages[name] = v ?? 'not installed';
  }
  return {
    generatedAt: (opts.now ?? new Date()).toISOString(),
    resultsDirs: opts.resultsDirs,
    backends,
    codeVersions: [...new Set(results.map((r) => r.codeVersion))].sort(),
    runsPeriod: results.length ? { from: starts[0], to: ends[ends.length - 1] } : undefined,
    gitCommit: gitCommit(opts.cwd ?? process.cwd()),
    machine: `${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${platform()} ${release()} ${arch()}`,
    node: process.version,
    packages,
  };
}

/** The block as label → value lines (shared by summary.md and index.html). */
export function environmentLines(env: Environment): [string, string][] {
  return [
    ['generated', env.generatedAt],
    ['results', env.resultsDirs.join(', ')],
    ['backends', Object.entries(env.backends).map(([b, n]) => `${b} (${n} runs)`).join(', ') || '–'],
    ['code versions', env.codeVersions.join(', ') || '–'],
    ['runs', env.runsPeriod ? `${env.runsPeriod.from} → ${env.runsPeriod.to}` : '–'],
    ['git commit', env.gitCommit],
    ['machine (report)', env.machine],
    ['node', env.node],
    ['packages', Object.entries(env.packages).map(([n, v]) => `${n} ${v}`).join(', ')],
  ];
}
