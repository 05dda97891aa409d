import { describe, expect, it } from 'vitest';
import { aggregate, mergeResults } from './aggregate.js';
import { failedRun, okRun } from './runs.fixtures.js';
import { pruningLossPerTask, pruningRecords } from './pruning-loss.js';
import { methodTable, pairedTable } from './tables.js';

const T975_2 = 4.302653; // t(0.975, df = 2)

// naive: ACC 0.85, 0.90, 0.95 (BWT −0.10, −0.10, −0.05); clnp: ACC 0.95, 0.93, 0.99, BWT 0 (+ seed 3 with no partner)
const naive = [
  okRun({ method: 'naive', seed: 0, R: [[0.9, 0.5], [0.8, 0.9]] }),
  okRun({ method: 'naive', seed: 1, R: [[0.95, 0.5], [0.85, 0.95]] }),
  okRun({ method: 'naive', seed: 2, R: [[1.0, 0.5], [0.95, 0.95]] }),
];
const clnp = [0.95, 0.93, 0.99, 0.9].map((a, seed) => okRun({ method: 'clnp', seed, R: [[a, 0.5], [a, a]] }));
const ewcSingle = okRun({ method: 'ewc', seed: 0, R: [[0.9, 0.5], [0.88, 0.92]] });
const failed = failedRun({ method: 'naive', seed: 3 });
const results = [...naive, failed, ...clnp, ewcSingle];

describe('aggregate', () => {
  const agg = aggregate(results);
  const suite = agg.suites[0];
  const byLabel = (l: string) => suite.methods.find((m) => m.label === l)!;

  it('groups by suite and method label, sorted, and counts failed runs without averaging them', () => {
    expect(agg.labels).toEqual(['clnp', 'ewc', 'naive']);
    expect(suite.tasks).toBe(2);
    const n = byLabel('naive');
    expect(n.runs).toHaveLength(3);
    expect(n.failed.map((r) => r.runId)).toEqual([failed.runId]);
    expect(n.metrics.acc.n).toBe(3);
    expect(agg.failed).toHaveLength(1);
  });

  it('mean, std and 95 % CI of ACC and BWT equal the hand computation', () => {
    const n = byLabel('naive');
    expect(n.metrics.acc.mean).toBeCloseTo(0.9, 12);
    expect(n.metrics.acc.std).toBeCloseTo(0.05, 12); // deviations −0.05, 0, 0.05
    expect(n.metrics.acc.ci95).toBeCloseTo((T975_2 * 0.05) / Math.sqrt(3), 4);
    expect(n.metrics.bwt.mean).toBeCloseTo(-0.25 / 3, 12);
    expect(n.metrics.forgetting.mean).toBeCloseTo(0.25 / 3, 12);
  });

  it('averages learning curves and accuracy matrices by position', () => {
    const n = byLabel('naive');
    expect(n.learningCurve.map((s) => s.mean)).toEqual([expect.closeTo(0.95, 12), expect.closeTo(0.9, 12)]);
    expect(n.accuracyMatrix[1][0].mean).toBeCloseTo((0.8 + 0.85 + 0.95) / 3, 12);
    expect(n.accuracyMatrix[0][1].mean).toBeCloseTo(0.5, 12);
  });

  it('a single run has a mean but no std or CI, shown as n/a in the table', () => {
    const e = byLabel('ewc');
    expect(e.metrics.acc.mean).toBeCloseTo(0.9, 12);
    expect(e.metrics.acc.std).toBeNaN();
    expect(e.metrics.acc.ci95).toBeNaN();
    const row = methodTable(suite).rows.find((r) => r[0] === 'ewc')!;
    expect(row[3]).toBe('90.00 ± n/a');
  });

  it('paired differences CLNP − baseline use only seeds × orderings present on both sides', () => {
    const p = suite.paired.find((d) => d.baseline === 'naive')!;
    expect(p.clnp).toBe('clnp');
    expect(p.pairs).toBe(3);
    expect(p.unpaired).toBe(1); // clnp seed 3: its naive partner failed
    const diffs = [0.95 - 0.85, 0.93 - 0.9, 0.99 - 0.95];
    const mean = diffs.reduce((a, b) => a + b) / 3;
    const sd = Math.sqrt(diffs.reduce((a, d) => a + (d - mean) ** 2, 0) / 2);
    expect(p.diffs.acc.mean).toBeCloseTo(mean, 12);
    expect(p.diffs.acc.std).toBeCloseTo(sd, 12);
    expect(p.diffs.acc.ci95).toBeCloseTo((T975_2 * sd) / Math.sqrt(3), 4);
    expect(p.diffs.bwt.mean).toBeCloseTo(0.25 / 3, 12);
    const row = pairedTable(suite).rows.find((r) => r[1] === 'naive')!;
    expect(row[2]).toBe('3 (1 unpaired runs)');
    const pp = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(2)}`;
    const h = (T975_2 * sd) / Math.sqrt(3);
    expect(row[3]).toBe(`${pp(mean)} [${pp(mean - h)}, ${pp(mean + h)}]`); // CI contains 0: no *
    const single = suite.paired.find((d) => d.baseline === 'ewc')!;
    expect(single.pairs).toBe(1);
    expect(pairedTable(suite).rows.find((r) => r[1] === 'ewc')![3]).toBe(`+${(100 * (0.95 - 0.9)).toFixed(2)} [n/a]`);
  });

  it('a CLNP row under equal steps pairs with the baselines too (the budget is the row\'s, not the setting\'s); another lr does not', () => {
    const equal = [0.94, 0.92, 0.98].map((a, seed) => okRun({ method: 'clnp', label: 'clnp equal-steps', seed, R: [[a, 0.5], [a, a]], setting: { training: { budget: 'equal-steps' } } }));
    const otherLr = [0.94, 0.92, 0.98].map((a, seed) => okRun({ method: 'clnp', label: 'clnp lr', seed, R: [[a, 0.5], [a, a]], setting: { training: { lr: 0.5 } } }));
    const s = aggregate([...naive, ...equal, ...otherLr]).suites[0];
    const p = s.paired.find((d) => d.clnp === 'clnp equal-steps' && d.baseline === 'naive')!;
    expect(p.pairs).toBe(3);
    // by hand: ACC differences 0.94 − 0.85, 0.92 − 0.90, 0.98 − 0.95 (naive's ACC: mean of its last row)
    expect(p.diffs.acc.mean).toBeCloseTo(((0.94 - 0.85) + (0.92 - 0.9) + (0.98 - 0.95)) / 3, 12);
    expect(s.paired.some((d) => d.clnp === 'clnp lr')).toBe(false);
  });

  it('has no paired differences without a clnp method', () => {
    expect(aggregate(naive).suites[0].paired).toEqual([]);
  });

  it('rejects a run whose accuracy matrix has a different size than its suite', () => {
    const odd = okRun({ method: 'naive', seed: 9, R: [[0.9, 0.5, 0.5], [0.9, 0.9, 0.5], [0.9, 0.9, 0.9]] });
    expect(() => aggregate([...naive, odd])).toThrow(new RegExp(`run ${odd.runId} .*3×3, expected 2×2`));
  });

  it('keeps suites apart', () => {
    const other = okRun({ suite: 'other', method: 'naive', R: [[0.5]] });
    const a = aggregate([...naive, other]);
    expect(a.suites.map((s) => [s.suite, s.tasks, s.methods[0].runs.length])).toEqual([['other', 1, 1], ['toy', 2, 3]]);
  });
});

describe('FWT only where a shared head defines it', () => {
  const R = [[0.9, 0.7], [0.85, 0.95]], b = [0.5, 0.4];
  it('task-incremental (FWT null): no FWT column, no ΔFWT column, no FWT statistics', () => {
    const s = aggregate([okRun({ method: 'clnp', R }), okRun({ method: 'naive', R })]).suites[0];
    expect(s.methods[0].metrics.fwt.n).toBe(0);
    expect(methodTable(s).header).toEqual(['method', 'runs', 'failed', 'ACC (%)', 'BWT (pp)', 'forgetting (pp)', 'wall time (s)', 'gradient steps', 'samples/s', 'peak RSS (MiB)']);
    expect(pairedTable(s).header.some((h) => h.includes('FWT'))).toBe(false);
    expect(methodTable(s).rows[0]).toHaveLength(methodTable(s).header.length);
  });
  it('shared head: FWT = R[0][1] − b_1, in both tables', () => {
    const s = aggregate([okRun({ method: 'clnp', R, b, sharedHead: true }), okRun({ method: 'naive', R, b, sharedHead: true })]).suites[0];
    expect(s.methods[0].metrics.fwt.mean).toBeCloseTo(0.7 - 0.4, 12);
    expect(methodTable(s).header[5]).toBe('FWT (pp)');
    expect(methodTable(s).rows[0][5]).toBe('30.00 ± n/a');
    expect(pairedTable(s).header[5]).toMatch(/^ΔFWT/);
    expect(pairedTable(s).rows[0][5]).toBe('+0.00 [n/a]');
  });
});

describe('pruning loss', () => {
  const R = [[0.9, 0.5], [0.9, 0.8]];
  const pr = (before: number[], after: number[]) => ({ pruning: { tasks: before.map((b, task) => ({ task, testAccBeforePruning: b, testAccAfterConsolidation: after[task] })) } });
  const runs = [
    okRun({ method: 'clnp', seed: 0, R, diagnostics: pr([0.95, 0.85], [0.9, 0.8]) }),   // run mean (0.05 + 0.05) / 2 = 0.05
    okRun({ method: 'clnp', seed: 1, R, diagnostics: pr([0.92, 0.81], [0.9, 0.8]) }),   // (0.02 + 0.01) / 2 = 0.015
    okRun({ method: 'naive', seed: 0, R }),
  ];
  const s = aggregate(runs).suites[0];
  it('per run: mean over tasks of before − after; then mean over runs; a column only where recorded', () => {
    const t = methodTable(s), col = t.header.indexOf('pruning loss (pp)');
    expect(col).toBeGreaterThan(0);
    const clnpRow = t.rows.find((r) => r[0] === 'clnp')!;
    const mean = (0.05 + 0.015) / 2, sd = Math.sqrt(((0.05 - mean) ** 2 + (0.015 - mean) ** 2) / 1);
    expect(clnpRow[col]).toBe(`${(100 * mean).toFixed(2)} ± ${(100 * 12.7062 * sd / Math.sqrt(2)).toFixed(2)}`);
    expect(t.rows.find((r) => r[0] === 'naive')![col]).toBe('–');
    expect(methodTable(aggregate([runs[2]]).suites[0]).header).not.toContain('pruning loss (pp)');
  });
  it('per task, for the chart', () => {
    const per = pruningLossPerTask(s.methods);
    expect(per.map((p) => [p.label, p.task, +p.stat.mean.toFixed(12)])).toEqual([['clnp', 0, 0.035], ['clnp', 1, 0.03]]);
  });
  it('a malformed record is one line naming the run and field', () => {
    const bad = okRun({ method: 'clnp', R, diagnostics: { pruning: { tasks: [{ task: 0, testAccBeforePruning: 'x', testAccAfterConsolidation: 0.9 }] } } });
    expect(() => pruningRecords(bad)).toThrow(`run ${bad.runId} (clnp): diagnostics.pruning.tasks[0].testAccBeforePruning: expected a number, got "x"`);
  });
});

describe('mergeResults', () => {
  it('keeps a run id once, preferring an ok run, then the latest', () => {
    const ok = naive[0];
    const failedSameId = { ...failed, runId: ok.runId };
    const later = { ...ok, finishedAt: '2026-02-01T00:00:00.000Z' };
    const { results: merged, duplicates } = mergeResults([[failedSameId, naive[1]], [ok, naive[1]], [later]]);
    expect(duplicates).toBe(3);
    expect(merged).toHaveLength(2);
    expect(merged.find((r) => r.runId === ok.runId)).toBe(later);
  });
});
