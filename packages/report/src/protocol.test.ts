import { RunResultSchema, type OkRun, type RunResult } from '@clbench/core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aggregate } from './aggregate.js';
import { protocolLines, protocols } from './protocol.js';
import { failedRun, matrix, okRun } from './runs.fixtures.js';
import { markdownTable, methodTable, tuningTable } from './tables.js';
import { writeReport } from './write-report.js';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const training = { optimizer: 'adam', lr: 1e-3, epochs: 4, batchSize: 32, validationFraction: 0.1, budget: 'equal-steps' } as const;

/** A tuning run of grid point `label` (entry "ewc") with validation ACC from diagonal `d`. */
function tuningRun(label: string, lambda: number, seed: number, d: number): RunResult {
  const r = okRun({ method: 'ewc', label, seed, R: matrix(2, d, 0.1) });
  return RunResultSchema.parse({
    ...r, stage: 'tuning', evaluatedOn: 'validation', hyperparameters: { lambda },
    config: { ...r.config, training, label, hyperparameters: { lambda }, stage: 'tuning', entry: 'ewc' },
  });
}

/** A reporting run of "ewc" that used λ = 10, chosen on tuning seeds 100, 101; steps per task given. */
function reportingRun(seed: number, steps: { train: number[]; consolidation: number[] }): OkRun {
  const r = okRun({ method: 'ewc', seed, R: matrix(2, 0.9, 0.05) });
  return RunResultSchema.parse({
    ...r, hyperparameters: { lambda: 10 }, steps,
    selection: { metric: 'acc', score: 0.85, candidate: 'ewc[lambda=10]', grid: ['ewc[lambda=1]', 'ewc[lambda=10]'], tuningSeeds: [100, 101], tuningRunIds: ['a', 'b'] },
    config: { ...r.config, training, hyperparameters: { lambda: 10 } },
  }) as OkRun;
}

describe('report protocol: selection on validation and step budgets', () => {
  // ACC of matrix(2, d, 0.1) = (d − 0.1 + d) / 2 = d − 0.05.
  // listed λ=10 first: the table follows the grid order the reporting runs recorded
  const tuning = [tuningRun('ewc[lambda=10]', 10, 100, 0.95), tuningRun('ewc[lambda=1]', 1, 100, 0.8), tuningRun('ewc[lambda=1]', 1, 101, 0.9), tuningRun('ewc[lambda=10]', 10, 101, 0.85)];
  const reporting = [reportingRun(0, { train: [30, 30], consolidation: [0, 0] }), reportingRun(1, { train: [20, 30], consolidation: [10, 0] })];
  const failed = failedRun({ method: 'ewc', seed: 2 });
  const failedReporting = RunResultSchema.parse({ ...failed, hyperparameters: { lambda: 10 }, config: { ...reporting[0].config, seed: 2 } });
  const results = [...tuning, ...reporting, failedReporting];

  it('tabulates every grid point\'s validation ACC from the tuning runs, marks the chosen one, and states seeds and budget', () => {
    const p = protocols(results).get('toy')!;
    expect(p.entries.map((e) => e.entry)).toEqual(['ewc']);
    const rows = tuningTable(p.entries[0]).rows;
    // λ=1: ACC 0.75 and 0.85 → mean 0.80, CI = t(0.975, 1) · s/√2 = 12.7062 · 0.0707/1.414 = 0.6353
    const h = (12.7062 * Math.sqrt(((0.75 - 0.8) ** 2 + (0.85 - 0.8) ** 2) / 1)) / Math.SQRT2;
    expect(rows).toEqual([
      ['ewc[lambda=1]', '2', '0', `80.00 ± ${(100 * h).toFixed(2)}`, ''],
      ['ewc[lambda=10]', '2', '0', `85.00 ± ${(100 * h).toFixed(2)}`, '✓'],
    ]);
    expect([p.tuningSeeds, p.reportingSeeds]).toEqual([[100, 101], [0, 1, 2]]);
    expect(protocolLines(p)[0]).toBe('Hyper-parameters selected on validation data of tuning seeds 100, 101; reported seeds 0, 1, 2 (test data never enter a choice).');
    expect(protocolLines(p)[1]).toMatch(/^Budget: equal steps\. Every method takes the same gradient steps per task \(4 epochs;/);
    // fixtures: 1 s per ok run; the failed reporting run counts as a run with no time
    expect(protocolLines(p)[2]).toBe('Cost of selection: tuning stage 4 runs, 4 s of run time; reporting stage 3 runs, 2 s (summed over runs, not wall-clock).');
  });

  it('keeps tuning runs out of the main table, and shows gradient steps per run beside wall time', () => {
    const table = methodTable(aggregate(results.filter((r) => r.stage !== 'tuning')).suites[0]);
    const col = (name: string) => table.header.indexOf(name);
    expect(col('gradient steps')).toBe(col('wall time (s)') + 1);
    const [row] = table.rows;
    expect([row[0], row[1], row[2]]).toEqual(['ewc', '2', '1']); // 2 ok reporting runs, 1 failed; no tuning run
    expect(row[col('gradient steps')]).toBe('60 ± 0'); // 30+30 and 20+30+10: the same budget
  });

  it('writes the protocol into summary.md and index.html', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clbench-report-')); dirs.push(dir);
    await writeReport(results, dir, { resultsDirs: ['r'] });
    const md = readFileSync(join(dir, 'summary.md'), 'utf8'), html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(md).toContain('## toy (2 tasks)\n\nHyper-parameters selected on validation data of tuning seeds 100, 101; reported seeds 0, 1, 2');
    expect(md).toContain(`### Hyper-parameter selection (validation data of the tuning seeds)\n\n**ewc**\n\n${markdownTable(tuningTable(protocols(results).get('toy')!.entries[0]))}`);
    const json = JSON.parse(readFileSync(join(dir, 'aggregate.json'), 'utf8'));
    expect(json.suites[0].methods.map((m: { label: string }) => m.label)).toEqual(['ewc']); // no grid point as a method row
    expect(json.protocols[0].entries[0].points.map((p: { chosen: boolean }) => p.chosen)).toEqual([false, true]);
    expect(html).toContain('<p class="protocol">Hyper-parameters selected on validation data of tuning seeds 100, 101;');
    expect(html).toContain('<td>ewc[lambda=10]</td><td class="num">2</td><td class="num">0</td><td class="num">85.00 ±');
  });

  it('with --latest, scores grid points from the tuning runs of the code version the reported rows kept', async () => {
    const at = (version: string) => (r: RunResult): RunResult => ({ ...r, codeVersion: version });
    // an older version whose tuning preferred λ=1 and whose reporting runs used it
    const oldTuning = [tuningRun('ewc[lambda=1]', 1, 100, 0.95), tuningRun('ewc[lambda=1]', 1, 101, 0.95), tuningRun('ewc[lambda=10]', 10, 100, 0.6)].map(at('clbench-0.5.0'));
    const oldReporting = reportingRun(0, { train: [30, 30], consolidation: [0, 0] });
    const oldChoice: RunResult = { ...oldReporting, codeVersion: 'clbench-0.5.0', selection: { ...oldReporting.selection!, candidate: 'ewc[lambda=1]' } };
    const both = [...oldTuning, oldChoice, ...results.map(at('clbench-0.6.0'))];
    const dir = mkdtempSync(join(tmpdir(), 'clbench-report-')); dirs.push(dir);
    await writeReport(both, dir, { resultsDirs: ['r'], latest: true });
    const { entries, cost } = JSON.parse(readFileSync(join(dir, 'aggregate.json'), 'utf8')).protocols[0];
    // the 0.6.0 points only, as in the first test: 2 runs each, λ=10 (85.00) the one chosen
    expect(entries[0].points.map((p: { label: string; runs: number; chosen: boolean }) => [p.label, p.runs, p.chosen])).toEqual([['ewc[lambda=1]', 2, false], ['ewc[lambda=10]', 2, true]]);
    expect(cost).toEqual({ tuning: { runs: 4, seconds: 4 }, reporting: { runs: 3, seconds: 2 } });
    // without --latest both versions' runs score the points, and each version's choice is marked
    await writeReport(both, dir, { resultsDirs: ['r'] });
    const all = JSON.parse(readFileSync(join(dir, 'aggregate.json'), 'utf8')).protocols[0].entries[0].points;
    expect(all.map((p: { runs: number; chosen: boolean }) => [p.runs, p.chosen])).toEqual([[4, true], [3, true]]);
  });

  it('refuses a results directory with tuning runs only', async () => {
    await expect(writeReport(tuning, mkdtempSync(join(tmpdir(), 'clbench-report-')), { resultsDirs: [] })).rejects.toThrow(/only tuning runs so far/);
  });
});
