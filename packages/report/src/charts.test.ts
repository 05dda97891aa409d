import { describe, expect, it } from 'vitest';
import { aggregate } from './aggregate.js';
import { buildCharts } from './charts.js';
import { compileSpec } from './compile.js';
import { renderSvg } from './render.js';
import { clnpDiagnostics, failedRun, okRun, runSet } from './runs.fixtures.js';

/** Every object in a spec that encodes the method colour. */
function methodColorScales(spec: unknown): unknown[] {
  const found: unknown[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.color && (o.color as { field?: string }).field === 'method') found.push((o.color as { scale: unknown }).scale);
      Object.values(o).forEach(walk);
    }
  };
  walk(spec);
  return found;
}

// scenario → [results, number of charts]
const scenarios = {
  'three methods with CLNP diagnostics': () => [runSet({ methods: ['clnp', 'naive', 'joint'], seeds: 2, T: 4 }), 8] as const,
  'one run per method (no CI anywhere)': () => [[okRun({ method: 'naive', R: [[0.9, 0.5], [0.7, 0.95]] }), okRun({ method: 'clnp', R: [[0.9, 0.5], [0.9, 0.95]], diagnostics: clnpDiagnostics(2, 1, 8) })], 8] as const,
  'a method whose runs all failed': () => [[...runSet({ methods: ['naive'], seeds: 2, T: 3 }), failedRun({ method: 'ewc', tasks: 3 })], 6] as const,
  'two suites': () => [[...runSet({ methods: ['naive', 'clnp'], seeds: 1, T: 3, suite: 'a' }), ...runSet({ methods: ['joint'], seeds: 2, T: 5, suite: 'b' })], 14] as const,
  'only failed runs (no chart)': () => [[failedRun({ method: 'naive', tasks: 3 }), failedRun({ method: 'clnp', seed: 1, tasks: 3 })], 0] as const,
  'a single task': () => [[okRun({ method: 'naive', R: [[0.9]] }), okRun({ method: 'naive', seed: 1, R: [[0.8]] })], 6] as const,
};

describe('chart specs', () => {
  for (const [name, make] of Object.entries(scenarios)) {
    it(`compile with vega-lite and render with vega without any warning: ${name}`, async () => {
      const [results, count] = make();
      const charts = buildCharts(aggregate([...results]));
      expect(charts).toHaveLength(count);
      for (const c of charts) {
        const { vega, warnings } = compileSpec(c.spec);
        expect({ chart: c.name, warnings }).toEqual({ chart: c.name, warnings: [] });
        expect({ chart: c.name, warnings: (await renderSvg(vega)).warnings }).toEqual({ chart: c.name, warnings: [] });
      }
    });
  }

  it('the capturing logger does see vega-lite warnings (a spec with an unknown field type)', () => {
    const { warnings } = compileSpec({
      data: { values: [{ a: 1 }] }, mark: 'point', encoding: {
        x: { field: 'a', type: 'quantitative' }, size: { field: 'a', type: 'quantitative' },
        // @ts-expect-error a quantitative shape is what vega-lite warns about (its types refuse it too)
        shape: { field: 'a', type: 'quantitative' },
      },
    });
    expect(warnings.length).toBeGreaterThan(0);
  });

  it('every chart uses one method colour scale: domain = all labels sorted, same colours', () => {
    const agg = aggregate([...scenarios['two suites']()[0]]);
    const scales = buildCharts(agg).flatMap((c) => methodColorScales(c.spec));
    expect(agg.labels).toEqual(['clnp', 'joint', 'naive']);
    expect(scales.length).toBeGreaterThan(10);
    for (const s of scales) expect(s).toEqual(scales[0]);
    expect((scales[0] as { domain: string[] }).domain).toEqual(agg.labels);
  });

  it('names charts per suite and draws CLNP units only where diagnostics exist', () => {
    const names = buildCharts(aggregate([...scenarios['two suites']()[0]])).map((c) => c.name);
    expect(names).toContain('a-clnp-units');
    expect(names).not.toContain('b-clnp-units');
    expect(names).toContain('a-pruning-loss');
    expect(names).not.toContain('b-pruning-loss');
    expect(names.filter((n) => n.startsWith('b-'))).toEqual(['b-acc', 'b-learning-curve', 'b-accuracy-matrix', 'b-bwt-forgetting', 'b-wall-time', 'b-samples-per-second']);
  });

  it('plots the pruning loss per task averaged over runs (fixtures: 0.5 pp + 0.1 pp × seed % 2)', () => {
    const chart = buildCharts(aggregate(runSet({ methods: ['clnp', 'naive'], seeds: 2, T: 3 }))).find((c) => c.name.endsWith('pruning-loss'))!;
    const values = (chart.spec as { data: { values: { method: string; task: number; mean: number; n: number }[] } }).data.values;
    expect(values.map((v) => v.method)).toEqual(['clnp', 'clnp', 'clnp']); // naive records none
    expect(values[1].task).toBe(2);
    expect(values[1].n).toBe(4);
    expect(values[1].mean).toBeCloseTo(((0.5 + 0.6) * 2) / 4, 10);
  });

  it('plots the units averaged over runs (free units after task 1 = 64 − round(0.2·64) − seed % 2)', () => {
    const chart = buildCharts(aggregate(runSet({ methods: ['clnp'], seeds: 2, T: 3 }))).find((c) => c.name.endsWith('clnp-units'))!;
    const values = (chart.spec as { data: { values: { layer: string; task: number; kind: string; mean: number; n: number }[] } }).data.values;
    const free = values.find((v) => v.layer === 'hidden layer 1' && v.task === 1 && v.kind === 'free')!;
    expect(free.n).toBe(4); // 2 seeds × 2 orderings
    expect(free.mean).toBeCloseTo(((51 + 50) * 2) / 4, 12);
  });

  it('plots percentages and leaves an undefined CI out (null, not NaN)', () => {
    const charts = buildCharts(aggregate([...scenarios['one run per method (no CI anywhere)']()[0]]));
    const acc = charts.find((c) => c.name === 'toy-acc')!;
    const layers = (acc.spec as { layer: { data: { values: Record<string, unknown>[] } }[] }).layer;
    const summary = layers[layers.length - 1].data.values.find((v) => v.method === 'naive')!;
    expect(summary.mean).toBeCloseTo(82.5, 10); // ACC = (0.7 + 0.95) / 2
    expect(summary.lo).toBeNull();
    expect(JSON.stringify(acc.spec)).not.toContain('NaN');
  });

  it('plots HAT\'s diagnostics.units beside CLNP\'s diagnostics.clnp in the same units chart', () => {
    const R = [[0.9, 0.5], [0.9, 0.9]];
    const runs = [
      okRun({ method: 'clnp', R, diagnostics: { clnp: { layers: [{ task: 0, layer: 0, free: 10, active: 6, reused: 0 }] } } }),
      okRun({ method: 'hat', R, diagnostics: { units: { layers: [{ task: 0, layer: 0, free: 7, active: 9, reused: 0 }] } } }),
    ];
    const chart = buildCharts(aggregate(runs)).find((c) => c.name.endsWith('clnp-units'))!;
    const values = (chart.spec as { data: { values: { method: string; kind: string; mean: number }[] } }).data.values;
    expect(values.filter((v) => v.kind === 'free').map((v) => [v.method, v.mean])).toEqual([['clnp', 10], ['hat', 7]]);
    const bad = okRun({ method: 'hat', R, diagnostics: { units: { layers: [{ task: 5, layer: 0, free: 1, active: 1, reused: 0 }] } } });
    expect(() => buildCharts(aggregate([bad]))).toThrow(`run ${bad.runId} (hat): diagnostics.units.layers[0].task: 5 is not a task position (the run has 2 tasks)`);
  });

  it('rejects malformed CLNP diagnostics with the run and field', () => {
    const bad = okRun({ method: 'clnp', R: [[0.9, 0.5], [0.9, 0.9]], diagnostics: { clnp: { layers: [{ task: 0, layer: 0, free: -1, active: 3, reused: 0 }] } } });
    expect(() => buildCharts(aggregate([bad]))).toThrow(`run ${bad.runId} (clnp): diagnostics.clnp.layers[0].free: expected a non-negative integer, got -1`);
  });
});
