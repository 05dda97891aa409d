import { isMethodName } from '@clbench/methods';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OVERHEAD_GOALS, overheadVerdict, rssGoalMet, type OverheadGoals } from './goals.js';
import { benchTable } from './table.js';
import { typeErrors } from './test-util.js';
import type { BenchReport, MethodBench } from './types.js';

// Compile-time: goals are keyed by the registry's MethodName. The type-check test below compiles
// this file and fails if either directive is unused (i.e. if an unknown name stopped being an error).
export const goalsWithTypo: OverheadGoals = {
  clnp: 10,
  // @ts-expect-error — 'clnpp' is not a registered method
  clnpp: 10,
};
// @ts-expect-error — a goal can be looked up only by a registered method name
export const lookedUpByTypo = OVERHEAD_GOALS['no-such-method'];

/** A method's bench result with the numbers that matter for its goal. */
function result(method: MethodBench['method'], over: Partial<MethodBench>): MethodBench {
  return {
    method, samplesPerSecond: 1000, relativeToNaive: 1, overheadPct: 0, samplesPerStep: 128, goalPct: OVERHEAD_GOALS[method],
    consolidationSeconds: [0, 0], tensorsLeaked: 0, peakRssMB: 100, ...over,
  };
}

describe('bench goals', () => {
  it('type-check: a goal for an unknown method name is a compile error (the @ts-expect-error lines of this file are used)', () => {
    const here = fileURLToPath(import.meta.url);
    expect(typeErrors([here])).toEqual([]);
  }, 120_000);

  it('type-check control: without the directive the unknown name is reported, with it on a known name the directive is reported unused', () => {
    const probe = (name: string) => fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
    const unknownName = `import type { OverheadGoals } from './goals.js';\nexport const g: OverheadGoals = { clnp: 10, clnpp: 10 };\n`;
    const knownName = `import type { OverheadGoals } from './goals.js';\nexport const g: OverheadGoals = {\n  // @ts-expect-error\n  clnp: 10,\n};\n`;
    const errors = typeErrors([], { [probe('probe-unknown')]: unknownName, [probe('probe-known')]: knownName });
    const a = errors.filter((e) => e.file === probe('probe-unknown')), b = errors.filter((e) => e.file === probe('probe-known'));
    expect(a).toHaveLength(1);
    expect(a[0].message).toContain('clnpp');
    expect(b.map((e) => e.code)).toEqual([2578]); // Unused '@ts-expect-error' directive
  }, 120_000);

  it('every goal names a registered method; naive, joint and single-task have none', () => {
    expect(Object.keys(OVERHEAD_GOALS).filter((k) => !isMethodName(k))).toEqual([]);
    expect([OVERHEAD_GOALS.naive, OVERHEAD_GOALS.joint, OVERHEAD_GOALS['single-task']]).toEqual([undefined, undefined, undefined]);
    expect(OVERHEAD_GOALS.clnp).toBe(10);
  });

  it('judges the per-step overhead against the goal: at the goal is met, above it missed', () => {
    expect(overheadVerdict(result('clnp', { overheadPct: 9.9 }))).toEqual({ goalPct: 10, judgedPct: 9.9, atEqualRows: false, met: true });
    expect(overheadVerdict(result('clnp', { overheadPct: 10 }))?.met).toBe(true);
    expect(overheadVerdict(result('clnp', { overheadPct: 10.1 }))?.met).toBe(false);
    expect(overheadVerdict(result('hat', { overheadPct: 25 }))?.met).toBe(true);   // hat's goal is 30 %
    expect(overheadVerdict(result('hat', { overheadPct: 35 }))?.met).toBe(false);
  });

  it('judges a replay method at equal rows, not on its raw per-step overhead', () => {
    // ER's step is 80 % slower than naive's, but only 15 % slower than naive on as many rows: met (goal 20 %)
    expect(overheadVerdict(result('er', { overheadPct: 80, samplesPerStep: 256, equalSamplesOverheadPct: 15, floorPct: 60 })))
      .toEqual({ goalPct: 20, judgedPct: 15, atEqualRows: true, met: true });
    // …and 5 % per step but 25 % at equal rows: missed
    expect(overheadVerdict(result('er', { overheadPct: 5, samplesPerStep: 256, equalSamplesOverheadPct: 25, floorPct: 0 }))?.met).toBe(false);
  });

  it('has no verdict for a method without a goal', () => {
    expect(overheadVerdict(result('naive', { overheadPct: 500 }))).toBeUndefined();
  });

  it('the methods table shows the verdicts', () => {
    const report: BenchReport = {
      backend: 'wasm', network: '784-8-8, batch 128, Adam', harness: { rawSamplesPerSecond: 100, harnessSamplesPerSecond: 99, ratio: 0.99 },
      methods: [result('naive', {}), result('clnp', { overheadPct: 12 }), result('er', { overheadPct: 80, samplesPerStep: 256, equalSamplesOverheadPct: 15, floorPct: 60 })],
    };
    const rows = benchTable(report).split('\n');
    expect(rows.find((l) => l.startsWith('| naive |'))).toContain('| — |');
    expect(rows.find((l) => l.startsWith('| clnp |'))).toContain('| ≤ 10 % (missed) |');
    expect(rows.find((l) => l.startsWith('| er |'))).toContain('| ≤ 20 % at equal rows (met) |');
  });

  it('der is judged at equal rows against 40 %; gdumb has no goal and a line with its retraining per evaluation', () => {
    expect(OVERHEAD_GOALS.der).toBe(40);
    expect(OVERHEAD_GOALS.gdumb).toBeUndefined();
    const report: BenchReport = {
      backend: 'wasm', network: '784-8-8, batch 128, Adam', harness: { rawSamplesPerSecond: 100, harnessSamplesPerSecond: 99, ratio: 0.99 },
      methods: [result('naive', {}), result('der', { overheadPct: 230, samplesPerStep: 384, equalSamplesOverheadPct: 39, floorPct: 140 }),
        result('gdumb', { overheadPct: 2, consolidationSeconds: [1.5, 1.25], retraining: { steps: [512, 512], seconds: [1.5, 1.25] } })],
    };
    const lines = benchTable(report).split('\n');
    expect(lines.find((l) => l.startsWith('| der |'))).toContain('| ≤ 40 % at equal rows (met) |');
    expect(lines.find((l) => l.startsWith('| gdumb |'))).toContain('| — |');
    expect(lines).toContain('gdumb: its tasks take no training step; it retrains a fresh network on its memory at each evaluation — after task 1: 512 steps in 1.50 s; after task 2: 512 steps in 1.25 s; samples/s and overhead are per retraining step');
  });

  it('judges peak RSS against the goal per worker count, this code only', () => {
    expect(rssGoalMet({ code: 'after', workers: 1, peakRssMB: 399, samplesPerSecond: 1 })).toBe(true);
    expect(rssGoalMet({ code: 'after', workers: 1, peakRssMB: 401, samplesPerSecond: 1 })).toBe(false);
    expect(rssGoalMet({ code: 'after', workers: 2, peakRssMB: 550, samplesPerSecond: 1 })).toBe(true);
    expect(rssGoalMet({ code: 'before', workers: 1, peakRssMB: 900, samplesPerSecond: 1 })).toBeUndefined();
  });
});
