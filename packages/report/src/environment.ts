/**
 * The environment block of a report: what produced the results (backends and code versions,
 * overall and per row; when the runs ran) and what produced the report (package versions,
 * git commit, machine, date).
 * Results files do not record the machine they ran on, so "machine" is the report's.
 */
import type { RunResult } from '@clbench/core';
import { execFileSync } from 'node:child_process';
import { cpus, platform, arch, totalmem, release } from 'node:os';
import type { MethodAggregate } from './aggregate.js';
import { installedPackage } from './packages.js';

/** Where a row's runs come from. */
export interface RowProvenance { suite: string; label: string; codeVersions: string[]; backends: Record<string, number> }

export interface Environment {
  generatedAt: string;
  resultsDirs: string[];
  /** backend name → number of runs that used it */
  backends: Record<string, number>;
  /** GPU adapter (device, driver) → number of webgpu runs on it */
  gpus: Record<string, number>;
  codeVersions: string[];
  /** per report row: the code versions and backends of its runs */
  rows: RowProvenance[];
  /** first start and last finish over all runs */
  runsPeriod?: { from: string; to: string };
  /** Runs resumed from a per-task checkpoint (absent when no run recorded checkpoints). */
  resumed?: { checkpointed: number; runs: { label: string; seed: number; runId: string; afterTasks: number[] }[] };
  gitCommit: string;
  machine: string;
  node: string;
  /** package name → version ("not installed" when absent) */
  packages: Record<string, string>;
}

const PACKAGES = ['@clbench/core', '@clbench/runner', '@clbench/report', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', 'webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'vega', 'vega-lite', 'vega-embed', '@resvg/resvg-js'];
/** Optional packages, listed only when installed. */
const OPTIONAL = new Set(['@tensorflow/tfjs-backend-webgpu', 'webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']);

function gitCommit(cwd: string): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const head = git('rev-parse', 'HEAD');
    // Published outputs (reports/, results/) are data, not what produced them: regenerating several
    // reports in a row must not make the later ones say the code had uncommitted changes.
    const dirty = git('status', '--porcelain', '--untracked-files=no', '--', ':(top)', ':(top,exclude)reports', ':(top,exclude)results') !== '';
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

function countBackends(results: RunResult[]): Record<string, number> {
  const backends: Record<string, number> = {};
  for (const r of results) backends[r.backend] = (backends[r.backend] ?? 0) + 1;
  return backends;
}

/** GPU adapter (device, driver description) → number of runs on it (webgpu runs record theirs). */
function countGpus(results: RunResult[]): Record<string, number> {
  const gpus: Record<string, number> = {};
  for (const r of results) if (r.gpu) { const g = `${r.gpu.device} (${r.gpu.description})`; gpus[g] = (gpus[g] ?? 0) + 1; }
  return gpus;
}

const codeVersionsOf = (results: RunResult[]) => [...new Set(results.map((r) => r.codeVersion))].sort();

function rowProvenance(m: MethodAggregate): RowProvenance {
  const runs = [...m.runs, ...m.failed];
  return { suite: m.suite, label: m.label, codeVersions: codeVersionsOf(runs), backends: countBackends(runs) };
}

/** The environment of the runs in `rows` (the report's rows, so runs left out by --latest are not counted). */
export function environment(rows: MethodAggregate[], opts: { resultsDirs: string[]; cwd?: string; now?: Date }): Environment {
  const results = rows.flatMap((m) => [...m.runs, ...m.failed]);
  const starts = results.map((r) => r.startedAt).sort();
  const ends = results.map((r) => r.finishedAt).sort();
  const cpu = cpus();
  const packages: Record<string, string> = {};
  for (const name of PACKAGES) {
    const v = installedPackage(name)?.version;
    if (v || !OPTIONAL.has(name)) packages[name] = v ?? 'not installed';
  }
  return {
    generatedAt: (opts.now ?? new Date()).toISOString(),
    resultsDirs: opts.resultsDirs,
    backends: countBackends(results),
    gpus: countGpus(results),
    codeVersions: codeVersionsOf(results),
    rows: rows.map(rowProvenance),
    runsPeriod: results.length ? { from: starts[0], to: ends[ends.length - 1] } : undefined,
    resumed: resumedRuns(results),
    gitCommit: gitCommit(opts.cwd ?? process.cwd()),
    machine: `${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${platform()} ${release()} ${arch()}`,
    node: process.version,
    packages,
  };
}

/** Runs that were killed or preempted and resumed from a checkpoint (their records say after which tasks). */
function resumedRuns(results: RunResult[]): Environment['resumed'] {
  const checkpointed = results.flatMap((r) => (r.status === 'ok' && r.checkpoints ? [{ r, afterTasks: r.checkpoints.resumedAfterTasks }] : []));
  if (!checkpointed.length) return undefined;
  const runs = checkpointed.filter((c) => c.afterTasks.length > 0)
    .map(({ r, afterTasks }) => ({ label: r.label, seed: r.seed, runId: r.runId, afterTasks }));
  return { checkpointed: checkpointed.length, runs };
}

/** "none of 12 runs", or each resumed run with the tasks it had finished at each resume. */
function resumedText(r: NonNullable<Environment['resumed']>): string {
  if (!r.runs.length) return `none of ${r.checkpointed} checkpointed runs`;
  const each = r.runs.map((x) => `${x.label} seed=${x.seed} (${x.runId}): ${x.afterTasks.length} resume${x.afterTasks.length > 1 ? 's' : ''}, after ${x.afterTasks.map((t) => `${t} task${t > 1 ? 's' : ''}`).join(', ')}`);
  return `${r.runs.length} of ${r.checkpointed} checkpointed runs: ${each.join('; ')}`;
}

const backendsText = (b: Record<string, number>) => Object.entries(b).map(([name, n]) => `${name} (${n} runs)`).join(', ') || '–';

/** Code versions and backends per row: one line when every row has the same, else one line per row. */
function rowLines(rows: RowProvenance[]): [string, string][] {
  const versionsOn = (p: RowProvenance, backends: string) => `${p.codeVersions.join(', ')} on ${backends}`;
  const distinct = new Set(rows.map((p) => versionsOn(p, Object.keys(p.backends).sort().join(', '))));
  if (distinct.size <= 1) return [['per row', rows.length ? `all ${rows.length} rows: ${[...distinct][0]}` : '–']];
  return rows.map((p) => [`per row: ${p.suite} / ${p.label}`, versionsOn(p, backendsText(p.backends))]);
}

/** The block as label → value lines (shared by summary.md and index.html). */
export function environmentLines(env: Environment): [string, string][] {
  return [
    ['generated', env.generatedAt],
    ['results', env.resultsDirs.join(', ')],
    ['backends', backendsText(env.backends)],
    ...(Object.keys(env.gpus).length ? [['GPUs', Object.entries(env.gpus).map(([g, n]) => `${g} (${n} runs)`).join(', ')] as [string, string]] : []),
    ['code versions', env.codeVersions.join(', ') || '–'],
    ...rowLines(env.rows),
    ['runs', env.runsPeriod ? `${env.runsPeriod.from} → ${env.runsPeriod.to}` : '–'],
    ...(env.resumed ? [['resumed from checkpoints', resumedText(env.resumed)] as [string, string]] : []),
    ['git commit', env.gitCommit],
    ['machine (report)', env.machine],
    ['node', env.node],
    ['packages', Object.entries(env.packages).map(([n, v]) => `${n} ${v}`).join(', ')],
  ];
}
