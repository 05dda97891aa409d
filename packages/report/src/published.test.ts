/**
 * Published vs measured on constructed results: every verdict below is computed by hand
 * from the ACC values the fixtures are built with (ACC = mean of the last matrix row).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishedSchema, type Published } from '@clbench/core';
import { afterAll, describe, expect, it } from 'vitest';
import { aggregate } from './aggregate.js';
import { comparePublished, verdictOf } from './published.js';
import { okRun } from './runs.fixtures.js';
import { writeReport } from './write-report.js';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** A 2-task run whose ACC is exactly `acc`: R = [[acc, .5], [acc, acc]]. */
const run = (label: string, acc: number, seed: number) => okRun({ suite: 'repro', method: label, label, seed, R: [[acc, 0.5], [acc, acc]] });

const results = [
  run('naive', 0.93, 0), run('naive', 0.94, 1), run('naive', 0.95, 2), // 94.00, std 1, CI 4.3027·1/√3 = 2.484
  run('online-ewc', 0.96, 0), run('online-ewc', 0.97, 1), run('online-ewc', 0.98, 2), // 97.00, std 1, CI 2.484
  run('si', 0.99, 0), run('si', 0.99, 1), //                              99.00, std 0, CI 0
  run('ewc', 0.9, 0), //                                                  one run: no CI
  run('mas', 0.95, 0), //                                                 one run: no CI
  run('clnp', 0.98, 0), run('clnp', 0.98, 1), //                          no published number
];

const PUB: Published = PublishedSchema.parse({
  citation: { authors: 'Hsu, Liu, Ramasamy, Kira', year: 2018, title: 'Re-evaluating continual learning scenarios', table: 'Table 2', id: 'arXiv:1810.12488' },
  conversions: 'λ halved (our penalty has a ½).',
  methods: {
    naive: { mean: 93.46, std: 2.01, runs: 10 }, // d = +0.54 ≤ std 2.01 → within (tolerance max(2.01, 2.484) = 2.484)
    'online-ewc': { mean: 95.0, std: 1.0, runs: 10 }, // d = +2.00 > std 1, ≤ CI 2.484 → within our CI
    si: { mean: 98.0, std: 0.49, runs: 10 }, //    d = +1.00, h = max(0.49, 0) = 0.49 → above
    mas: { mean: 99.22, std: 0.21, runs: 10 }, //  d = −4.22, h = 0.21 (no CI for one run) → below
    ewc: { mean: 97.0, note: 'from the EWC paper' }, // no std, one run → no spread
    l2: { mean: 98.18, std: 0.96, runs: 10 }, //   no runs → not run
  },
});

describe('verdictOf', () => {
  it('|difference| equal to the tolerance is within; just beyond is above or below', () => {
    expect(verdictOf({ mean: 50, std: 1 }, { n: 3, mean: 51, std: 0.2, ci95: 0.5 })).toEqual({ difference: 1, tolerance: 1, verdict: 'within' });
    expect(verdictOf({ mean: 50, std: 1 }, { n: 3, mean: 51.01, std: 0.2, ci95: 0.5 }).verdict).toBe('above');
    expect(verdictOf({ mean: 50, std: 1 }, { n: 3, mean: 48.99, std: 0.2, ci95: 0.5 }).verdict).toBe('below');
  });

  it('outside the published std but inside our wider CI: "within our CI" (too few runs to tell)', () => {
    expect(verdictOf({ mean: 50, std: 1 }, { n: 3, mean: 53, std: 2, ci95: 3 })).toEqual({ difference: 3, tolerance: 3, verdict: 'within our CI' });
    expect(verdictOf({ mean: 50, std: 1 }, { n: 3, mean: 51.5, std: 2, ci95: 3 }).verdict).toBe('within our CI');
    expect(verdictOf({ mean: 50 }, { n: 3, mean: 47.5, std: 2, ci95: 3 })).toEqual({ difference: -2.5, tolerance: 3, verdict: 'within our CI' });
    expect(verdictOf({ mean: 50 }, { n: 3, mean: 46.5, std: 2, ci95: 3 }).verdict).toBe('below');
  });
});

describe('comparePublished', () => {
  const suite = aggregate(results).suites[0];
  const rows = comparePublished(suite, PUB);

  it('one row per published method in table order, then ours-only methods, with hand-computed verdicts', () => {
    expect(rows.map((r) => [r.label, r.verdict])).toEqual([
      ['naive', 'within'], ['online-ewc', 'within our CI'], ['si', 'above'], ['mas', 'below'], ['ewc', 'no spread'], ['l2', 'not run'], ['clnp', 'ours only'],
    ]);
    const naive = rows[0];
    expect(naive.ours!.mean).toBeCloseTo(94, 10);
    expect(naive.difference).toBeCloseTo(0.54, 10);
    expect(naive.tolerance).toBeCloseTo((4.3027 * 1) / Math.sqrt(3), 3);
    expect(rows[2].tolerance).toBe(0.49);
    expect(rows[3].difference).toBeCloseTo(-4.22, 10);
  });

  it('a published label whose runs have two code versions (two report rows) gives a row each, named as in the report', () => {
    const old = [0.9, 0.92].map((acc, seed) => okRun({ suite: 'repro', method: 'naive', label: 'naive', seed, setting: { codeVersion: 'clbench-0.1.0' }, R: [[acc, 0.5], [acc, acc]] }));
    const split = aggregate([...results, ...old]).suites[0];
    const naiveRows = comparePublished(split, PUB).filter((r) => r.published === PUB.methods.naive);
    expect(naiveRows.map((r) => r.label)).toEqual(split.methods.filter((m) => m.runLabel === 'naive').map((m) => m.label));
    expect(naiveRows).toHaveLength(2);
    expect(naiveRows.map((r) => r.ours!.mean).sort((a, b) => a - b)).toEqual([expect.closeTo(91, 10), expect.closeTo(94, 10)]);
  });

  it('compares the metric the table names (forgetting here: 0 for every 2-task run above)', () => {
    const forgetting = comparePublished(suite, { ...PUB, metric: 'forgetting', methods: { naive: { mean: 1, std: 0.5 } } });
    expect(forgetting[0]).toMatchObject({ label: 'naive', difference: -1, tolerance: 0.5, verdict: 'below' });
  });
});

describe('writeReport with published numbers', () => {
  it('summary.md, index.html and aggregate.json carry the table; the chart draws with no warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clbench-published-'));
    dirs.push(dir);
    const out = await writeReport(results, dir, { resultsDirs: ['constructed'], published: { repro: PUB } });
    expect(out.warnings).toEqual([]);
    expect(out.charts.map((c) => c.name)).toContain('repro-published');
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(md).toContain('Source: Hsu, Liu, Ramasamy, Kira 2018, "Re-evaluating continual learning scenarios", Table 2 (arXiv:1810.12488). Metric: ACC (final average accuracy), in %. Protocol: λ halved (our penalty has a ½).');
    expect(md).toContain('| naive | 93.46 ± 2.01 (10) | 94.00 ± 2.48 (3) | +0.54 | 2.48 | within |');
    expect(md).toContain('| online-ewc | 95.00 ± 1.00 (10) | 97.00 ± 2.48 (3) | +2.00 | 2.48 | within our CI |');
    expect(md).toContain('| si | 98.00 ± 0.49 (10) | 99.00 ± 0.00 (2) | +1.00 | 0.49 | above |');
    expect(md).toContain('| mas | 99.22 ± 0.21 (10) | 95.00 ± n/a (1) | −4.22 | 0.21 | below |');
    expect(md).toContain('| ewc | 97.00 (?) | 90.00 ± n/a (1) | −7.00 | – | no spread |');
    expect(md).toContain('| l2 | 98.18 ± 0.96 (10) | – | – | – | not run |');
    expect(md).toContain('| clnp | – | 98.00 ± 0.00 (2) | – | – | ours only |');
    expect(md).toContain('- ewc: from the EWC paper');
    expect(md).toContain('![published vs measured](repro-published.png)');
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('<h3>Published vs measured</h3>');
    expect(html).toMatch(/<td>mas<\/td><td class="num">99\.22 ± 0\.21 \(10\)<\/td>.*?<td>below<\/td>/);
    const json = JSON.parse(readFileSync(join(dir, 'aggregate.json'), 'utf8'));
    expect(json.published.repro.comparison.map((r: { verdict: string }) => r.verdict)).toEqual(['within', 'within our CI', 'above', 'below', 'no spread', 'not run', 'ours only']);
    // the chart: the published means as reference marks, our runs beside them
    const spec = JSON.parse(readFileSync(join(dir, 'repro-published.vl.json'), 'utf8'));
    const paper = spec.layer.find((l: { mark: { type: string } }) => l.mark.type === 'point').data.values;
    expect(paper.map((p: { method: string; mean: number }) => [p.method, p.mean])).toEqual([['naive', 93.46], ['online-ewc', 95], ['si', 98], ['mas', 99.22], ['ewc', 97], ['l2', 98.18]]);
    expect(readFileSync(join(dir, 'repro-published.svg'), 'utf8')).toContain('published mean ± std');
  });

  it('a suite without published numbers gets neither table nor chart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clbench-published-'));
    dirs.push(dir);
    const out = await writeReport(results, dir, { resultsDirs: ['constructed'] });
    expect(out.charts.map((c) => c.name)).not.toContain('repro-published');
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).not.toContain('Published vs measured');
  });
});
