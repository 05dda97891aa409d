/** Shared by the runner's tests (not built): tiny suites that train in a fraction of a second per run. */
import type { RunResult, SuiteInput } from '@clbench/core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSuite } from './suite-file.js';

/** 2 methods × 2 seeds × 2 orderings = 8 runs; dataset.limit 50, hidden [16], 2 tasks, 1 epoch. */
export const TINY: SuiteInput = {
  name: 'tiny',
  dataset: { name: 'mnist', limit: 50 },
  scenario: { type: 'split', incremental: 'task', tasks: 2, classesPerTask: 2 },
  network: { layers: [{ type: 'dense', units: 16 }] },
  training: { optimizer: 'adam', lr: 0.01, epochs: 1, batchSize: 32 },
  methods: [{ name: 'naive' }, { name: 'joint' }],
  seeds: [0, 1],
  orderings: { explicit: [[0, 1], [1, 0]] },
};

export const tinySuite = (over: Partial<SuiteInput> = {}) => parseSuite({ ...TINY, ...over });

export const tempDir = (tag: string) => mkdtempSync(join(tmpdir(), `clbench-${tag}-`));

/** runId → what must be bit-identical between two executions of a run. */
export function outcomes(results: RunResult[]): Record<string, unknown> {
  return Object.fromEntries(results.map((r) => [r.runId, r.status === 'ok'
    ? { status: r.status, R: r.accuracyMatrix, b: r.randomInitAccuracy, attempts: r.attempts }
    : { status: r.status, error: r.error }]));
}
