/**
 * Run a suite's matrix into a results directory. Finished runs are skipped (resume is
 * the default); each finished run is written as soon as it ends.
 */
import type { BackendName, RunResult, Suite } from '@clbench/core';
import { executeRun } from './execute.js';
import { expandMatrix, type RunSpec } from './matrix.js';
import { ResultsStore } from './store.js';

export interface RunSuiteOptions {
  out: string;
  backend: BackendName;
  workers?: number;
  fresh?: boolean;
  log?: (line: string) => void;
}

export interface SuiteSummary { total: number; skipped: number; ok: number; failed: number; results: RunResult[] }

export async function runSuite(suite: Suite, opts: RunSuiteOptions): Promise<SuiteSummary> {
  const store = new ResultsStore(opts.out);
  const specs = expandMatrix(suite);
  const done = opts.fresh ? new Set<string>() : store.finishedIds();
  const todo: RunSpec[] = specs.filter((s) => !done.has(s.runId));
  const log = opts.log ?? (() => {});
  log(`suite ${suite.name}: ${specs.length} runs, ${specs.length - todo.length} already finished, ${todo.length} to run`);
  const results: RunResult[] = [];
  for (const [k, spec] of todo.entries()) {
    const r = await executeRun(spec, { backend: opts.backend });
    store.write(r);
    results.push(r);
    const c = spec.config;
    log(`[${k + 1}/${todo.length}] ${c.label} seed=${c.seed} order=${c.ordering.join('')} ` +
      (r.status === 'ok' ? `ACC=${(100 * r.metrics.acc).toFixed(2)}% BWT=${(100 * r.metrics.bwt).toFixed(2)} (${r.timing.wallSeconds.toFixed(1)}s, ${r.backend})` : `FAILED: ${r.error}`));
  }
  const failed = results.filter((r) => r.status === 'failed').length;
  return { total: specs.length, skipped: specs.length - todo.length, ok: results.length - failed, failed, results };
}
