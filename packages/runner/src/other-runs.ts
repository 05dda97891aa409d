/**
 * Runs already in a results directory under this suite's name that its current matrix does not
 * produce: results of another code version, or of an earlier version of the suite file. They are
 * kept (nothing is deleted); `clbench run` says so in one line at the start, because a report of
 * the directory will show them as separate rows (issue 16).
 */
import type { RunResult } from '@clbench/core';
import { CODE_VERSION, type RunSpec } from './matrix.js';
import { readValidResults } from './store.js';

export interface OtherRuns {
  /** code version → runs of that (other) version */
  otherVersions: Map<string, number>;
  /** runs of the current code version whose config is not in the matrix */
  otherConfig: number;
}

export function otherRuns(results: RunResult[], suite: string, specs: RunSpec[]): OtherRuns {
  const ids = new Set(specs.map((s) => s.runId));
  const otherVersions = new Map<string, number>();
  let otherConfig = 0;
  for (const r of results) {
    if (r.suite !== suite || ids.has(r.runId)) continue;
    if (r.codeVersion !== CODE_VERSION) otherVersions.set(r.codeVersion, (otherVersions.get(r.codeVersion) ?? 0) + 1);
    else otherConfig++;
  }
  return { otherVersions, otherConfig };
}

/** The one-line note for `clbench run`, or undefined when the directory holds no such runs. */
export function otherRunsNote(dir: string, suite: string, specs: RunSpec[]): string | undefined {
  const { otherVersions, otherConfig } = otherRuns(readValidResults(dir), suite, specs);
  const versions = [...otherVersions].sort(([a], [b]) => (a < b ? -1 : 1)).map(([v, n]) => `${n} of code version ${v}`);
  const parts = [...versions, ...(otherConfig ? [`${otherConfig} of another config of this suite`] : [])];
  if (!parts.length) return undefined;
  const total = [...otherVersions.values()].reduce((a, b) => a + b, otherConfig);
  return `note: ${dir} already holds ${total} runs of suite "${suite}" that this suite file does not produce (${parts.join(', ')}); they are kept, and a report of ${dir} shows them as separate rows (clbench report --latest keeps only the newest code version)`;
}
