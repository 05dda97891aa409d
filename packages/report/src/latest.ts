/**
 * `clbench report --latest`: per suite and label, keep only the runs of the newest code
 * version. Versions compare by their numbers ("clbench-0.10.0" > "clbench-0.9.1"); versions with
 * equal numbers (or none) by their last finished run.
 */
import type { RunResult } from '@clbench/core';
import { groupBy } from './group-by.js';

export interface LeftOut { suite: string; label: string; codeVersion: string; runs: number }

const numbers = (v: string) => (v.match(/\d+/g) ?? []).map(Number);

function compareNumbers(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d) return d;
  }
  return 0;
}

/** The newest of the code versions of `runs`. */
export function newestVersion(runs: RunResult[]): string {
  const lastFinish = new Map<string, string>();
  for (const r of runs) if ((lastFinish.get(r.codeVersion) ?? '') < r.finishedAt) lastFinish.set(r.codeVersion, r.finishedAt);
  const byAge = (a: string, b: string) => compareNumbers(numbers(a), numbers(b)) || lastFinish.get(a)!.localeCompare(lastFinish.get(b)!);
  return [...lastFinish.keys()].sort(byAge).at(-1)!;
}

export function keepLatestVersions(results: RunResult[]): { results: RunResult[]; leftOut: LeftOut[] } {
  const groups = groupBy(results, (r) => JSON.stringify([r.suite, r.label]));
  const kept: RunResult[] = [];
  const leftOut: LeftOut[] = [];
  for (const runs of groups.values()) {
    const newest = newestVersion(runs);
    kept.push(...runs.filter((r) => r.codeVersion === newest));
    const older = new Map<string, number>();
    for (const r of runs) if (r.codeVersion !== newest) older.set(r.codeVersion, (older.get(r.codeVersion) ?? 0) + 1);
    for (const [codeVersion, n] of older) leftOut.push({ suite: runs[0].suite, label: runs[0].label, codeVersion, runs: n });
  }
  return { results: kept, leftOut };
}

/** `--latest` for the selection tables: the reporting runs `keepLatestVersions` keeps, and each
 *  entry's tuning runs (labelled by grid point, `config.entry` naming the entry) of the code
 *  version its reporting runs kept. Older tuning runs would otherwise score grid points, and mark a
 *  point chosen, that the reported rows never used. */
export function keepLatestWithTuning(results: RunResult[]): RunResult[] {
  const { results: kept } = keepLatestVersions(results.filter((r) => r.stage !== 'tuning'));
  const keptVersion = new Map(kept.map((r) => [JSON.stringify([r.suite, r.label]), r.codeVersion]));
  const tuning = results.filter((r) => r.stage === 'tuning' && keptVersion.get(JSON.stringify([r.suite, r.config.entry ?? r.label])) === r.codeVersion);
  return [...kept, ...tuning];
}
