/**
 * One row, one configuration (issue 16): runs of one label that differ in settings or code
 * version are never averaged together. Expected means are computed here from the accuracies
 * the fixtures are built from (ACC of [[a, 0.5], [a, a]] is a).
 */
import { describe, expect, it } from 'vitest';
import { aggregate } from './aggregate.js';
import { environment, environmentLines } from './environment.js';
import { newestVersion } from './latest.js';
import { protocols } from './protocol.js';
import { summaryMarkdown } from './markdown.js';
import { configurationKey } from './row-key.js';
import { splitLabels } from './row-labels.js';
import { failedRun, okRun, type Setting } from './runs.fixtures.js';
import { failedTable, methodTable } from './tables.js';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** One ok run per accuracy, seeds 0, 1, …: ACC = a. */
const runsOf = (method: string, accs: number[], setting: Setting, label?: string) =>
  accs.map((a, seed) => okRun({ method, label, seed, R: [[a, 0.5], [a, a]], setting }));
const rowMeans = (agg: ReturnType<typeof aggregate>) => Object.fromEntries(agg.suites[0].methods.map((m) => [m.label, m.metrics.acc.mean]));

describe('a label that covers two configurations', () => {
  // The suite: two "clnp" entries, the second with alpha = 1e-5 (ACC ≈ 79 and ≈ 97).
  const weakAccs = [0.79, 0.8, 0.78], strongAccs = [0.97, 0.96, 0.98];
  const weak = runsOf('clnp', weakAccs, { hyperparameters: { sparsity: 'weights', alpha: 0.2 } });
  const strong = runsOf('clnp', strongAccs, { hyperparameters: { sparsity: 'weights', alpha: 1e-5 } });

  it('becomes two rows named by what differs, each the mean of its own runs only', () => {
    const agg = aggregate([...weak, ...strong]);
    expect(Object.keys(rowMeans(agg))).toEqual(['clnp[alpha=0.2]', 'clnp[alpha=1e-5]']);
    expect(rowMeans(agg)['clnp[alpha=0.2]']).toBeCloseTo(mean(weakAccs), 12);
    expect(rowMeans(agg)['clnp[alpha=1e-5]']).toBeCloseTo(mean(strongAccs), 12);
    expect(agg.suites[0].methods.map((m) => [m.runLabel, m.runs.length])).toEqual([['clnp', 3], ['clnp', 3]]);
    expect(agg.labels).toEqual(['clnp[alpha=0.2]', 'clnp[alpha=1e-5]']);
    expect(agg.splits).toEqual([{ suite: 'toy', label: 'clnp', rows: ['clnp[alpha=0.2]', 'clnp[alpha=1e-5]'], differs: ['alpha'] }]);
    // the table never shows the mixed average (0.88)
    const rows = methodTable(agg.suites[0]).rows;
    expect(rows.map((r) => [r[0], r[1], r[3].split(' ')[0]])).toEqual([['clnp[alpha=0.2]', '3', '79.00'], ['clnp[alpha=1e-5]', '3', '97.00']]);
  });

  it('says so in the header of summary.md', () => {
    const agg = aggregate([...weak, ...strong]);
    const env = environment(agg.suites[0].methods, { resultsDirs: ['r'] });
    const md = summaryMarkdown({ agg, charts: [], env, duplicates: 0, protocols: protocols([...weak, ...strong]) });
    const header = md.slice(0, md.indexOf('## Environment'));
    expect(header).toContain('> Suite toy: the runs labelled "clnp" have 2 different configurations (they differ in alpha), so they are shown as 2 rows: clnp[alpha=0.2], clnp[alpha=1e-5].');
    expect(header).toContain('> `clbench report --strict` refuses to report a label with several configurations.');
    expect(header).not.toContain('--latest'); // no code version differs
  });

  it('a failed run joins the row of its own configuration', () => {
    const failed = failedRun({ method: 'clnp', seed: 7, setting: { hyperparameters: { sparsity: 'weights', alpha: 1e-5 } } });
    const agg = aggregate([...weak, ...strong, failed]);
    expect(agg.suites[0].methods.map((m) => [m.label, m.runs.length, m.failed.length])).toEqual([['clnp[alpha=0.2]', 3, 0], ['clnp[alpha=1e-5]', 3, 1]]);
    expect(failedTable(agg).rows.map((r) => r.slice(0, 3))).toEqual([['toy', 'clnp[alpha=1e-5]', '7']]);
  });

  it('a label with one configuration keeps its name and adds no note', () => {
    const agg = aggregate(weak);
    expect(Object.keys(rowMeans(agg))).toEqual(['clnp']);
    expect(agg.splits).toEqual([]);
  });
});

describe('runs of two code versions under one label', () => {
  const oldAccs = [0.7, 0.72], newAccs = [0.9, 0.94, 0.92];
  const old = runsOf('naive', oldAccs, { codeVersion: 'clbench-0.1.0', finishedAt: '2026-01-01T00:00:00.000Z' });
  const cur = runsOf('naive', newAccs, { codeVersion: 'clbench-0.2.0', finishedAt: '2025-12-01T00:00:00.000Z' });
  const all = [...cur, ...old];

  it('default: one row per version, labelled label@version', () => {
    const agg = aggregate(all);
    expect(rowMeans(agg)).toEqual({ 'naive@0.1.0': expect.closeTo(mean(oldAccs), 12), 'naive@0.2.0': expect.closeTo(mean(newAccs), 12) });
    expect(agg.splits[0].differs).toEqual(['code version']);
    expect(agg.leftOut).toEqual([]);
  });

  it('latest: only the newest version (by number, not by finish time), the rest listed as left out', () => {
    const agg = aggregate(all, { latest: true });
    expect(rowMeans(agg)).toEqual({ naive: expect.closeTo(mean(newAccs), 12) });
    expect(agg.runs).toBe(3);
    expect(agg.leftOut).toEqual([{ suite: 'toy', label: 'naive', codeVersion: 'clbench-0.1.0', runs: 2 }]);
    expect(agg.splits).toEqual([]);
  });

  it('strict: refuses with one line naming the suite, label and versions; latest + strict is fine', () => {
    expect(() => aggregate(all, { strict: true })).toThrow(
      'suite "toy": label "naive" covers 2 configurations differing in code version (naive@0.1.0, naive@0.2.0); --strict refuses to report them (without it they are separate rows; --latest keeps only the newest code version)');
    expect(rowMeans(aggregate(all, { strict: true, latest: true }))).toEqual({ naive: expect.closeTo(mean(newAccs), 12) });
  });

  it('paired differences only pair rows of the same code version', () => {
    const clnpOld = runsOf('clnp', [0.8, 0.8], { codeVersion: 'clbench-0.1.0' });
    const clnpNew = runsOf('clnp', [0.95, 0.99, 0.98], { codeVersion: 'clbench-0.2.0' });
    const paired = aggregate([...clnpOld, ...clnpNew, ...cur]).suites[0].paired;
    expect(paired.map((p) => [p.clnp, p.baseline, p.pairs])).toEqual([['clnp@0.2.0', 'naive', 3]]);
    expect(paired[0].diffs.acc.mean).toBeCloseTo(mean([0.95 - 0.9, 0.99 - 0.94, 0.98 - 0.92]), 12);
  });

  it('the environment block lists each row\'s code versions and backends', () => {
    const onGpu = runsOf('naive', [0.91], { codeVersion: 'clbench-0.2.0', backend: 'tensorflow' });
    const rows = aggregate([...all, ...onGpu]).suites[0].methods;
    const lines = environmentLines(environment(rows, { resultsDirs: ['r'] })).filter(([k]) => k.startsWith('per row'));
    expect(lines).toEqual([
      ['per row: toy / naive@0.1.0', 'clbench-0.1.0 on cpu (2 runs)'],
      ['per row: toy / naive@0.2.0', 'clbench-0.2.0 on cpu (3 runs), tensorflow (1 runs)'],
    ]);
    const uniform = environmentLines(environment(aggregate(cur).suites[0].methods, { resultsDirs: ['r'] })).filter(([k]) => k.startsWith('per row'));
    expect(uniform).toEqual([['per row', 'all 1 rows: clbench-0.2.0 on cpu']]);
  });
});

describe('configurations and row labels', () => {
  it('the configuration ignores seed, ordering and key order, and includes the code version', () => {
    const a = okRun({ seed: 0, ordering: [0, 1], R: [[0.9, 0.5], [0.9, 0.9]], setting: { hyperparameters: { a: 1, b: 2 } } });
    const b = okRun({ seed: 5, ordering: [1, 0], R: [[0.8, 0.5], [0.8, 0.8]], setting: { hyperparameters: { b: 2, a: 1 } } });
    const c = { ...b, codeVersion: 'other' };
    expect(configurationKey(a)).toBe(configurationKey(b));
    expect(configurationKey(c)).not.toBe(configurationKey(b));
  });

  it('names config paths outside the hyper-parameters, unset fields, and several differences at once', () => {
    const base = { method: 'naive', hyperparameters: {}, training: { lr: 0.001, epochs: 1 }, codeVersion: 'clbench-0.1.0' };
    const { labels, differs } = splitLabels('x', [
      base,
      { ...base, training: { lr: 0.01, epochs: 1 }, codeVersion: 'clbench-0.2.0' },
      { ...base, method: 'ewc', hyperparameters: { lambda: 100 }, codeVersion: 'clbench-0.2.0' },
    ], new Set());
    expect(labels).toEqual([
      'x[lambda=unset,method=naive,training.lr=0.001]@0.1.0',
      'x[lambda=unset,method=naive,training.lr=0.01]@0.2.0',
      'x[lambda=100,method=ewc,training.lr=0.001]@0.2.0',
    ]);
    expect(differs).toEqual(['lambda', 'method', 'training.lr', 'code version']);
  });

  it('a split label never takes a label the suite already uses', () => {
    const c = (alpha: number) => ({ method: 'clnp', hyperparameters: { alpha }, codeVersion: 'v' });
    expect(splitLabels('clnp', [c(1), c(2)], new Set(['clnp[alpha=1]'])).labels).toEqual(['clnp[alpha=1]#2', 'clnp[alpha=2]']);
  });

  it('newest code version: by version numbers, then by last finish', () => {
    const at = (codeVersion: string, finishedAt: string) => okRun({ R: [[1]], setting: { codeVersion, finishedAt } });
    expect(newestVersion([at('clbench-0.10.0', '2026-01-01'), at('clbench-0.9.1', '2026-02-01')])).toBe('clbench-0.10.0');
    expect(newestVersion([at('dev-b', '2026-01-01'), at('dev-a', '2026-02-01')])).toBe('dev-a');
  });
});
