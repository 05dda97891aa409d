import { RunResultSchema, type OkRun, type RunResult } from '@clbench/core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aggregate } from './aggregate.js';
import { buildCharts } from './charts.js';
import { capacityRows } from './clnp-capacity.js';
import { reuseRows } from './clnp-reuse.js';
import { sweepGroups, withoutAlpha } from './clnp-sweep.js';
import { capacityTable, clnpSections, reuseTable, sweepTable } from './clnp-tables.js';
import { oldRun, runA, runB, sweepRun } from './clnp.fixtures.js';
import { compileSpec } from './compile.js';
import { renderSvg } from './render.js';
import { matrix, okRun, runSet } from './runs.fixtures.js';
import { writeReport } from './write-report.js';

const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'clbench-clnp-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** Student-t 95% half-width of two values a, b: t(0.975, 1) · s / √2 with s = |a − b| / √2. */
const ci2 = (a: number, b: number) => (12.7062 * Math.abs(a - b)) / 2;
const pm1 = (a: number, b: number) => `${((a + b) / 2).toFixed(1)} ± ${ci2(a, b).toFixed(1)}`;

const suiteOf = (runs: RunResult[]) => aggregate(runs).suites[0];
const valuesOf = (spec: unknown) => (spec as { data: { values: Record<string, unknown>[] } }).data.values;

async function expectNoWarnings(names: string[], runs: RunResult[]) {
  const charts = buildCharts(aggregate(runs)).filter((c) => names.some((n) => c.name.endsWith(n)));
  expect(charts.map((c) => c.name.replace(/^[^-]+-/, ''))).toEqual(names);
  for (const c of charts) {
    const { vega, warnings } = compileSpec(c.spec);
    expect({ chart: c.name, warnings }).toEqual({ chart: c.name, warnings: [] });
    expect({ chart: c.name, warnings: (await renderSvg(vega)).warnings }).toEqual({ chart: c.name, warnings: [] });
  }
  return charts;
}

describe('CLNP capacity forecast', () => {
  it('averages free, taken and tasks-that-fit over runs, leaves out runs whose tasks took no unit, counts runs short of the remaining tasks', () => {
    const rows = capacityRows(suiteOf([runA(), runB(), oldRun()])); // the old record has no forecast: 2 runs per cell
    const cell = (layer: number, task: number) => rows.find((r) => r.layer === layer && r.task === task)!;
    expect(rows).toHaveLength(6);
    // layer 0 after task 0: free 6 and 8, taken 4 and 2, fit 1 and 4; 2 tasks remain, run A's 1 is short
    expect(cell(0, 0)).toMatchObject({ runs: 2, remaining: 2, short: 1, free: { n: 2, mean: 7 }, taken: { mean: 3 }, tasksThatFit: { n: 2, mean: 2.5 } });
    expect(cell(0, 1)).toMatchObject({ remaining: 1, short: 1, free: { mean: 4.5 }, tasksThatFit: { mean: 1.5 } });
    expect(cell(0, 2)).toMatchObject({ remaining: 0, short: 0, free: { mean: 2.5 }, tasksThatFit: { mean: 1 } });
    // layer 1: run B's tasks take none there (no forecast), run A's alone forecasts
    expect(cell(1, 0)).toMatchObject({ runs: 2, short: 1, free: { mean: 7.5 }, tasksThatFit: { n: 1, mean: 1 } });
    expect(cell(1, 1)).toMatchObject({ short: 0, taken: { mean: 0 }, tasksThatFit: { n: 1, mean: 2 } });
    expect(cell(0, 0).free.ci95).toBeCloseTo(ci2(6, 8), 3);
  });

  it('tabulates it (layers and tasks from 1) and draws free units and the forecast against the remaining tasks', async () => {
    const runs = [runA(), runB()];
    const t = capacityTable(suiteOf(runs))!;
    expect(t.header).toEqual(['CLNP row', 'hidden layer', 'after task', 'runs', 'free units', 'taken by the task', 'tasks that fit (forecast)', 'remaining tasks', 'runs short']);
    expect(t.rows[0]).toEqual(['clnp', '1', '1', '2', pm1(6, 8), pm1(4, 2), pm1(1, 4), '2', '1']);
    expect(t.rows[3]).toEqual(['clnp', '2', '1', '2', pm1(5, 10), pm1(5, 0), '1.0 ± n/a', '2', '1']);
    const [chart] = await expectNoWarnings(['clnp-capacity'], runs);
    expect(chart.description).toContain('forecast at the mean size so far');
    const [top, bottom] = (chart.spec as { vconcat: { data: { values: Record<string, unknown>[] } }[] }).vconcat.map((c) => c.data.values);
    const fit = bottom.find((x) => x.series === undefined && x.layer === 'hidden layer 1' && x.task === 2)!;
    expect(fit.mean).toBeCloseTo(1.5, 12); // (0 + 3) / 2
    expect(top.find((x) => x.layer === 'hidden layer 2' && x.task === 3)!.mean).toBeCloseTo(7, 12); // free: (4 + 10) / 2
    // tasks remaining after tasks 1, 2, 3 of 3, per layer
    expect(bottom.filter((x) => x.series === 'remaining' && x.layer === 'hidden layer 2').map((x) => [x.task, x.mean])).toEqual([[1, 2], [2, 1], [3, 0]]);
  });

  it('is absent for a one-task suite (nothing remains to forecast)', () => {
    const one = okRun({ method: 'clnp', R: [[0.9]], diagnostics: { clnp: { tasks: [{ task: 0, valAccUnpruned: 0.9, valAccFinal: 0.9, layers: [{ layer: 0, free: 3, active: 7, reused: 0 }], capacity: [{ layer: 0, units: 10, free: 3, taken: 7, meanTaken: 7, tasksThatFit: 0 }] }], layers: [] } } });
    expect(capacityRows(suiteOf([one]))).toEqual([]);
  });
});

describe('CLNP reuse, three measures', () => {
  it('per task ≥ 1 and layer: new units, ablation reuse and the weight-mass share over the runs that measured it', () => {
    const rows = reuseRows(suiteOf([runA(), runB(), oldRun()]));
    expect(rows.map((r) => [r.task, r.layer])).toEqual([[1, 0], [1, 1], [2, 0], [2, 1]]);
    const [t1l0, t1l1, t2l0, t2l1] = rows;
    expect(t1l0).toMatchObject({ runs: 3, active: { mean: 8 / 3 }, reused: { mean: 8 / 3 }, mass: { n: 2 }, massNone: 0, massAbsent: 1 });
    expect(t1l0.mass.mean).toBeCloseTo(0.3, 12); // (0.5 + 0.1) / 2; the old run is not a 0
    expect(t1l1).toMatchObject({ mass: { n: 0 }, massNone: 2, massAbsent: 1 });
    expect(t2l0.reused.mean).toBeCloseTo(2, 12); // (1 + 4 + 1) / 3
    expect(t2l1).toMatchObject({ mass: { n: 1, mean: 0.75 }, massNone: 1, massAbsent: 1 });
    const t = reuseTable(suiteOf([runA(), runB(), oldRun()]))!;
    expect(t.rows.map((r) => r[6])).toEqual([
      `${(100 * 0.3).toFixed(1)} ± ${(100 * ci2(0.5, 0.1)).toFixed(1)} (2 of 3 runs; 1 not measured)`,
      '– (2 with nothing reading it, 1 not measured)',
      `${(100 * 0.35).toFixed(1)} ± ${(100 * ci2(0.25, 0.45)).toFixed(1)} (2 of 3 runs; 1 not measured)`,
      '75.0 ± n/a (1 of 3 runs; 1 with nothing reading it, 1 not measured)',
    ]);
    expect(t.rows[0].slice(0, 4)).toEqual(['clnp', '2', '1', '3']);
    // without the old run: nothing is "not measured"
    expect(reuseTable(suiteOf([runA(), runB()]))!.rows[1][6]).toBe('nothing reads it');
  });

  it('draws the three measures, one line per layer, the share in percent', async () => {
    const [chart] = await expectNoWarnings(['clnp-reuse'], [runA(), runB(), oldRun()]);
    const panels = (chart.spec as { hconcat: { data: { values: Record<string, unknown>[] } }[] }).hconcat.map((p) => p.data.values);
    expect(panels.map((p) => p[0].measure)).toEqual(['new units', 'earlier units reused (ablation)', 'weight-mass share from earlier units (%)']);
    expect(panels[2].map((x) => [x.task, x.layer, x.mean])).toEqual([[2, 'hidden layer 1', expect.closeTo(30, 10)], [3, 'hidden layer 1', expect.closeTo(35, 10)], [3, 'hidden layer 2', expect.closeTo(75, 10)]]);
    expect(panels[1].map((x) => x.mean)).toEqual([8 / 3, 1 / 3, 2, 5 / 3]); // reused: (2+0+6)/3, (1+0+0)/3, (1+4+1)/3, (3+0+2)/3
  });

  it('leaves the weight-mass panel out where no run measured a share', () => {
    const bare = (run: OkRun) => {
      const clnp = run.diagnostics.clnp as { tasks: { layers: { reusedMass?: unknown }[] }[] };
      for (const t of clnp.tasks) for (const l of t.layers) if (l.reusedMass !== undefined) l.reusedMass = null; // nothing reads any layer
      return run;
    };
    const chart = buildCharts(aggregate([bare(runA()), bare(runB())])).find((c) => c.name.endsWith('clnp-reuse'))!;
    expect((chart.spec as { hconcat: unknown[] }).hconcat).toHaveLength(2);
  });
});

describe('CLNP sparsity sweep', () => {
  const act2 = (alpha: number, kept: number[], seed = 100, acc = [0.96, 0.95, 0.9]) =>
    sweepRun({ label: 'clnp act 2ep', sparsity: 'activations', epochs: 2, alpha, seed, kept, unpruned: acc[0], final: acc[1], test: acc[2] });
  const runs = [
    act2(1e-4, [9, 8]), act2(1e-3, [6, 4]), act2(1e-3, [4, 2], 101, [0.94, 0.93, 0.8]), act2(1e-2, [1, 0], 100, [0.5, 0.4, 0.45]),
    // "1e-7" sorts after "0.001" as text: the points must still come in α order
    ...[[1e-3, 3], [1e-7, 9], [1e-4, 7]].map(([alpha, k]) => sweepRun({ label: 'clnp act 5ep', sparsity: 'activations', epochs: 5, alpha, kept: [k, k], unpruned: 0.97, final: 0.96, test: 0.95 })),
    // two α values only: not a sweep
    ...[1e-6, 1e-5].map((alpha) => sweepRun({ label: 'clnp w 2ep', sparsity: 'weights', epochs: 2, alpha, kept: [5, 5], unpruned: 0.97, final: 0.96, test: 0.95 })),
    okRun({ suite: 'sweep', method: 'naive', R: [[0.97]] }),
  ];

  it('groups CLNP rows that differ only in alpha (≥ 3 values), named by the label without alpha, points in alpha order', () => {
    const groups = sweepGroups(suiteOf(runs));
    expect(groups.map((g) => [g.name, g.points.map((p) => p.alpha)])).toEqual([['clnp act 2ep', [1e-4, 1e-3, 1e-2]], ['clnp act 5ep', [1e-7, 1e-4, 1e-3]]]);
    const p = groups[0].points[1]; // α = 1e-3, seeds 100 and 101
    expect(p).toMatchObject({ label: 'clnp act 2ep[alpha=0.001]', runs: 2, kept: [{ mean: 5 }, { mean: 3 }] });
    expect(p.valAccUnpruned.mean).toBeCloseTo(0.95, 12);
    expect(p.valAccFinal.mean).toBeCloseTo(0.94, 12);
    expect(p.testAcc.mean).toBeCloseTo(0.85, 12); // R[0][0]
  });

  it('tabulates units kept per layer, validation accuracies and the test accuracy (labelled as choosing nothing)', () => {
    const t = sweepTable(suiteOf(runs))!;
    expect(t.header).toEqual(['sweep', 'alpha', 'runs', 'units kept after task 1 (hidden layer 1 / 2)', 'val acc before pruning (%)', 'val acc after fine-tuning (%)', 'test acc (%; chooses nothing)']);
    expect(t.rows[0]).toEqual(['clnp act 2ep', '0.0001', '1', '9 / 8', '96.00', '95.00', '90.00']);
    expect(t.rows[1]).toEqual(['clnp act 2ep', '0.001', '2', `${pm1(6, 4)} / ${pm1(4, 2)}`,
      `95.00 ± ${(100 * ci2(0.96, 0.94)).toFixed(2)}`, `94.00 ± ${(100 * ci2(0.95, 0.93)).toFixed(2)}`, `85.00 ± ${(100 * ci2(0.9, 0.8)).toFixed(2)}`]);
    expect(t.rows[3].slice(0, 4)).toEqual(['clnp act 5ep', '1e-7', '1', '9 / 9']);
    expect(t.rows).toHaveLength(6);
  });

  it('draws units kept per layer and both validation accuracies against alpha (log), one row per sweep', async () => {
    const [chart] = await expectNoWarnings(['clnp-sparsity-sweep'], runs);
    const [kept, acc] = (chart.spec as { hconcat: { data: { values: Record<string, unknown>[] }; spec: { encoding: { x: { scale: { type: string } } } } }[] }).hconcat;
    expect(kept.spec.encoding.x.scale.type).toBe('log');
    const at = (p: typeof kept) => p.data.values.filter((x) => x.sweep === 'clnp act 2ep' && x.alpha === 1e-3).map((x) => [x.series, x.value]);
    expect(at(kept)).toEqual([['hidden layer 1', 5], ['hidden layer 2', 3]]);
    expect(at(acc)).toEqual([['before pruning', expect.closeTo(95, 10)], ['after fine-tuning', expect.closeTo(94, 10)]]);
    expect(JSON.stringify(chart.spec)).not.toContain('test');
  });

  it('withoutAlpha drops only alpha from the grid brackets', () => {
    expect(withoutAlpha('clnp weights 5 epochs[alpha=0.0001]')).toBe('clnp weights 5 epochs');
    expect(withoutAlpha('clnp[alpha=0.2,margin=0.01]')).toBe('clnp[margin=0.01]');
    expect(withoutAlpha('clnp[margin=0.01,alpha=2]')).toBe('clnp[margin=0.01]');
    expect(withoutAlpha('clnp')).toBe('clnp');
  });
});

describe('CLNP sections in the report', () => {
  it('old records (no capacity, no reusedMass, no alpha grid): the report renders without any of the three sections', async () => {
    const dir = tmp();
    const results = [oldRun('old', 0), oldRun('old', 1), okRun({ suite: 'old', method: 'naive', R: matrix(3, 0.9, 0.1) }), ...runSet({ methods: ['clnp', 'naive'], seeds: 1, T: 3, suite: 'older' })];
    const out = await writeReport(results, dir, { resultsDirs: ['r'], png: false });
    expect(out.warnings).toEqual([]);
    expect(out.charts.map((c) => c.name).filter((n) => /clnp-(capacity|reuse|sparsity-sweep)$/.test(n))).toEqual([]);
    expect(out.charts.map((c) => c.name)).toContain('old-clnp-units');
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(md).not.toContain('### CLNP:');
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).not.toContain('<h3>CLNP:');
    expect(JSON.parse(readFileSync(join(dir, 'aggregate.json'), 'utf8')).suites.map((s: { clnp?: unknown }) => s.clnp)).toEqual([undefined, undefined]);
  });

  it('new records: summary.md, index.html and aggregate.json carry the capacity and reuse tables, and the sweep', async () => {
    const dir = tmp();
    const sweep = [1e-4, 1e-3, 1e-2].map((alpha, i) => sweepRun({ label: 'clnp act', sparsity: 'activations', epochs: 2, alpha, kept: [8 - 3 * i, 7 - 3 * i], unpruned: 0.9, final: 0.89, test: 0.88 }));
    const out = await writeReport([runA(), runB(), ...sweep], dir, { resultsDirs: ['r'], png: false });
    expect(out.warnings).toEqual([]);
    expect(out.charts.map((c) => c.name).filter((n) => /clnp-(capacity|reuse|sparsity-sweep)$/.test(n))).toEqual(['cap-clnp-capacity', 'cap-clnp-reuse', 'sweep-clnp-sparsity-sweep']);
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    const cap = md.split('## cap (3 tasks)')[1].split('## sweep')[0];
    expect(cap).toContain('### CLNP: capacity forecast');
    expect(cap).toContain(`| clnp | 1 | 1 | 2 | ${pm1(6, 8)} | ${pm1(4, 2)} | ${pm1(1, 4)} | 2 | 1 |`);
    expect(cap).toContain('### CLNP: reuse, three measures');
    expect(cap).not.toContain('### CLNP: sparsity sweep');
    const sw = md.split('## sweep (1 tasks)')[1];
    expect(sw).toContain('| clnp act | 0.001 | 1 | 5 / 4 | 90.00 | 89.00 | 88.00 |');
    expect(sw).not.toContain('### CLNP: capacity');
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('<h3>CLNP: capacity forecast</h3>');
    const json = JSON.parse(readFileSync(join(dir, 'aggregate.json'), 'utf8'));
    expect(Object.keys(json.suites[0].clnp)).toEqual(['capacity', 'reuse']);
    expect(json.suites[1].clnp.sweeps[0].points.map((p: { alpha: number }) => p.alpha)).toEqual([1e-4, 1e-3, 1e-2]);
    expect(clnpSections(out.agg.suites[1]).map((s) => s.title)).toEqual(['Sparsity sweep']);
  });

  it('a fair-protocol suite (tuning stage) with CLNP and baselines shows free units per layer after every task and paired CLNP − baseline differences', async () => {
    const selection = (candidate: string) => ({ metric: 'acc', score: 0.9, candidate, grid: [candidate], tuningSeeds: [100], tuningRunIds: ['x'] });
    const tuned = (r: OkRun, candidate: string) => RunResultSchema.parse({ ...r, selection: selection(candidate) });
    const tuning = (r: OkRun, entry: string) => RunResultSchema.parse({ ...r, stage: 'tuning', evaluatedOn: 'validation', config: { ...r.config, stage: 'tuning', entry } });
    const results = [
      tuning({ ...runA('fair'), seed: 100 } as OkRun, 'clnp'), tuning(okRun({ suite: 'fair', method: 'ewc', seed: 100, R: matrix(3, 0.9, 0.1) }), 'ewc'),
      tuned(runA('fair'), 'clnp[alpha=0.0004]'), tuned(runB('fair'), 'clnp[alpha=0.0004]'),
      ...[0, 1].map((seed) => tuned(okRun({ suite: 'fair', method: 'ewc', seed, R: matrix(3, 0.9, 0.05 * (seed + 1)) }), 'ewc[lambda=10]')),
    ];
    const dir = tmp();
    const out = await writeReport(results, dir, { resultsDirs: ['r'], png: false });
    expect(out.charts.map((c) => c.name)).toEqual(expect.arrayContaining(['fair-clnp-units', 'fair-clnp-capacity']));
    const units = valuesOf(out.charts.find((c) => c.name === 'fair-clnp-units')!.spec);
    expect(units.filter((u) => u.kind === 'free' && u.layer === 'hidden layer 1').map((u) => [u.task, u.mean, u.n])).toEqual([[1, 7, 2], [2, 4.5, 2], [3, 2.5, 2]]);
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(md).toContain('Hyper-parameters selected on validation data of tuning seeds 100');
    // ACC of matrix(3, d, drop) = d − drop; CLNP − EWC per seed: (0.95 − 0.01) − (0.9 − 0.05) and (0.93 − 0.02) − (0.9 − 0.1)
    const diffs = [0.94 - 0.85, 0.91 - 0.8];
    const mean = (diffs[0] + diffs[1]) / 2, h = ci2(diffs[0], diffs[1]);
    expect(md).toContain(`| clnp | ewc | 2 | +${(100 * mean).toFixed(2)} [${100 * (mean - h) < 0 ? '−' : '+'}${Math.abs(100 * (mean - h)).toFixed(2)}, +${(100 * (mean + h)).toFixed(2)}]`);
  });
});

describe('malformed CLNP task records', () => {
  it('names the run and the field in one line', () => {
    const R = matrix(2, 0.9, 0.1);
    const bad = (tasks: unknown) => okRun({ method: 'clnp', R, diagnostics: { clnp: { tasks, layers: [] } } });
    const mass = bad([{ task: 0, valAccUnpruned: 0.9, valAccFinal: 0.9, layers: [{ layer: 0, free: 1, active: 2, reused: 0, reusedMass: 1.5 }] }]);
    expect(() => buildCharts(aggregate([mass]))).toThrow(`run ${mass.runId} (clnp): diagnostics.clnp.tasks[0].layers[0].reusedMass: expected a number in [0, 1], got 1.5`);
    const fit = bad([{ task: 0, valAccUnpruned: 0.9, valAccFinal: 0.9, layers: [], capacity: [{ layer: 0, units: 4, free: 2, taken: 2, meanTaken: 2, tasksThatFit: -1 }] }]);
    expect(() => buildCharts(aggregate([fit]))).toThrow(`run ${fit.runId} (clnp): diagnostics.clnp.tasks[0].capacity[0].tasksThatFit: expected a non-negative integer, got -1`);
    const task = bad([{ task: 2, valAccUnpruned: 0.9, valAccFinal: 0.9, layers: [] }]);
    expect(() => buildCharts(aggregate([task]))).toThrow(`run ${task.runId} (clnp): diagnostics.clnp.tasks[0].task: 2 is not a task position (the run has 2 tasks)`);
  });
});
