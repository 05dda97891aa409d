/**
 * The suite behind CLNP's central claim (benchmarks/reproductions/clnp-permuted-mnist-tuned.json,
 * issue 23) runs the fair protocol it says it runs: every method the issue names has a grid,
 * the grids are tuned on seeds that are never reported (nor reported on by the sweep that set
 * CLNP's α range), CLNP runs under both budgets with the steps each implies, and nothing is
 * reported before its entry's tuning is complete.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainingEpochs } from '@clbench/core';
import { describe, expect, it } from 'vitest';
import { loadSuite } from './suite-file.js';
import { reportingPlan, tuningSpecs } from './tuning.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const suite = loadSuite(join(ROOT, 'benchmarks', 'reproductions', 'clnp-permuted-mnist-tuned.json'));
const sweep = loadSuite(join(ROOT, 'benchmarks', 'studies', 'clnp-sparsity-sweep.json'));

describe('clnp-permuted-mnist-tuned', () => {
  const tuning = tuningSpecs(suite);

  it('tunes on seeds disjoint from the reported ones; the sweep that set CLNP\'s α range used a tuning seed too', () => {
    const reported = new Set(suite.seeds);
    expect(suite.seeds).toEqual([0, 1, 2, 3, 4]);
    for (const s of tuning) expect(reported.has(s.config.seed), `${s.config.label} seed ${s.config.seed}`).toBe(false);
    for (const seed of sweep.seeds) expect(reported.has(seed)).toBe(false);
    expect(new Set(tuning.map((s) => s.config.stage))).toEqual(new Set(['tuning']));
  });

  it('every method the issue names has a grid of at least three values per strength, CLNP two-dimensional', () => {
    const gridOf = (label: string, key: string) => new Set(tuning.filter((s) => s.config.label.startsWith(`${label}[`)).map((s) => s.config.hyperparameters[key]));
    for (const label of ['clnp', 'clnp equal-steps']) {
      expect(gridOf(label, 'alpha').size, label).toBeGreaterThanOrEqual(3);
      expect(gridOf(label, 'margin').size, label).toBeGreaterThanOrEqual(2);
      expect(tuning.filter((s) => s.config.label.startsWith(`${label}[`))).toHaveLength(gridOf(label, 'alpha').size * gridOf(label, 'margin').size);
    }
    for (const [label, key] of [['ewc', 'lambda'], ['online-ewc', 'lambda'], ['si', 'c'], ['mas', 'lambda']] as const) {
      const values = [...gridOf(label, key)] as number[];
      expect(values.length, label).toBeGreaterThanOrEqual(3);
      expect(Math.max(...values) / Math.min(...values), `${label} spans three decades`).toBeGreaterThanOrEqual(1000);
    }
  });

  it('CLNP under both budgets: 2 epochs + 1 fine-tuning on top, or 1 + 1 (equal steps); the others train 2', () => {
    const training = (label: string) => tuning.find((s) => s.config.label.startsWith(`${label}[`))!.config.training;
    expect(trainingEpochs(training('clnp'), 1)).toBe(2);
    expect(training('clnp').budget).toBe('consolidation-extra');
    expect(trainingEpochs(training('clnp equal-steps'), 1)).toBe(1);
    expect(training('clnp equal-steps').budget).toBe('equal-steps');
    expect(training('ewc').epochs).toBe(2);
  });

  it('reports nothing for a tuned entry until its tuning runs are in; naive and single-task need none', () => {
    const plan = reportingPlan(suite, new Map());
    const ready = plan.filter((e) => e.status === 'ready').map((e) => e.label).sort();
    expect(ready).toEqual(['naive', 'single-task']);
  });
});
