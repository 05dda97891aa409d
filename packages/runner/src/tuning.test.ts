import { initBackend, type OkRun, type RunResult, type SuiteInput } from '@clbench/core';
import { scenarioForRun } from '@clbench/data';
import { describe, expect, it } from 'vitest';
// Pool code loads dist/worker.js: import the built package, as the CLI does.
import { executeRun, parseShard, readResults, runSuite, type RunnerEvent } from '@clbench/runner';
import { getMethod, methodNames } from '@clbench/methods';
import { expandMatrix, type RunSpec } from './matrix.js';
import { parseSuite } from './suite-file.js';
import { outcomes, tempDir, TINY } from './test-util.js';
import { shardKeys } from './shard.js';
import { bestPoint, readySpecs, reportingPlan, reportingSlots, slotOf, tuningSpecs } from './tuning.js';

/** naive (no grid) + l2 with a 3-point λ grid; tuning on seeds 100, 101 (natural order), reporting on 0, 1. */
const TUNED: SuiteInput = {
  ...TINY, name: 'tiny-tuned',
  methods: [{ name: 'naive' }, { name: 'l2', hyperparameters: { lambda: [0, 1, 100] } }],
  seeds: [0, 1],
  orderings: { explicit: [[0, 1]] },
  tuning: { seeds: [100, 101] },
};
const tuned = (over: Partial<SuiteInput> = {}) => parseSuite({ ...TUNED, ...over }, 'tuned.json');

/** A hand-made ok tuning result with validation ACC `acc`. */
const fakeOk = (runId: string, acc: number): RunResult => ({ runId, status: 'ok', evaluatedOn: 'validation', metrics: { acc } } as unknown as OkRun);

describe('tuning stage: suite validation', () => {
  it('rejects tuning seeds that are also reporting seeds, naming the field', () => {
    expect(() => tuned({ tuning: { seeds: [1, 7] } })).toThrow(/^tuned\.json: tuning\.seeds: seed 1 also in "seeds": tuning seeds must be disjoint from the reporting seeds$/);
    expect(() => tuned({ tuning: { seeds: [0, 1, 2] } })).toThrow(/tuning\.seeds: seeds 0, 1 also in "seeds"/);
    expect(() => tuned({ tuning: { seeds: [7, 8, 7] } })).toThrow(/^tuned\.json: tuning\.seeds\[2\]: seed 7 is listed twice$/);
    expect(() => tuned()).not.toThrow();
  });

  it('rejects two entries with the same label in a suite with tuning', () => {
    const methods = [{ name: 'l2', hyperparameters: { lambda: [0, 1] } }, { name: 'l2', hyperparameters: { lambda: [10, 100] } }];
    expect(() => tuned({ methods })).toThrow(/^tuned\.json: methods\[0\] and methods\[1\] are both labelled "l2"; with tuning/);
    expect(() => tuned({ methods: [methods[0], { ...methods[1], label: 'l2-strong' }] })).not.toThrow();
  });

  it('rejects a consolidation that leaves no training epoch under equal-steps, and accepts it otherwise', () => {
    const clnp = (epochs: number, budget: 'equal-steps' | 'consolidation-extra') => tuned({
      training: { ...TINY.training, epochs, budget }, methods: [{ name: 'clnp', hyperparameters: { fineTuneEpochs: [1, 2] } }],
    });
    expect(() => clnp(2, 'equal-steps')).toThrow(/^tuned\.json: methods\[0\] \(clnp\[fineTuneEpochs=2\]\): 2 consolidation epochs leave no training epoch of training\.epochs 2 under budget "equal-steps"/);
    expect(() => clnp(3, 'equal-steps')).not.toThrow();
    expect(() => clnp(1, 'consolidation-extra')).not.toThrow();
    expect(() => tuned({ training: { ...TINY.training, epochs: 1, budget: 'equal-steps' }, methods: [{ name: 'packnet' }] }))
      .toThrow(/methods\[0\] \(packnet\): 1 consolidation epoch leaves no/);
  });
});

describe('tuning stage: selection', () => {
  const suite = tuned();
  const specs = tuningSpecs(suite);
  const byLambda = (l: number) => specs.filter((s) => s.config.hyperparameters.lambda === l).map((s) => s.runId);

  it('runs only the grid of the entry that has one, on the tuning seeds, as tuning runs', () => {
    expect(specs).toHaveLength(3 * 2);
    expect(new Set(specs.map((s) => s.config.seed))).toEqual(new Set([100, 101]));
    expect(specs.every((s) => s.config.stage === 'tuning' && s.config.method === 'l2')).toBe(true);
  });

  it('picks the best mean validation ACC per entry (ties: first in grid order), and runs only it on the reporting seeds', () => {
    // Hand-made scores: λ=0 → (0.5+0.7)/2 = 0.6, λ=1 → (0.9+0.5)/2 = 0.7, λ=100 → 0.7 (a tie, later in the grid).
    const accs: Record<number, [number, number]> = { 0: [0.5, 0.7], 1: [0.9, 0.5], 100: [0.6, 0.8] };
    const results = new Map<string, RunResult>();
    for (const [l, [a, b]] of Object.entries(accs)) byLambda(Number(l)).forEach((id, k) => results.set(id, fakeOk(id, k ? b : a)));
    const plan = reportingPlan(suite, results);
    expect(plan.map((p) => [p.label, p.status])).toEqual([['naive', 'ready'], ['l2', 'ready']]);
    const l2 = plan[1] as Extract<typeof plan[number], { status: 'ready' }>;
    expect(l2.scores.map((s) => s.score)).toEqual([0.6, 0.7, 0.7]);
    expect(l2.specs.map((s) => [s.config.label, s.config.hyperparameters.lambda, s.config.seed, s.config.stage]))
      .toEqual([['l2', 1, 0, 'reporting'], ['l2', 1, 1, 'reporting']]);
    expect(l2.specs[0].selection).toEqual({ metric: 'acc', score: 0.7, candidate: 'l2[lambda=1]', grid: ['l2[lambda=0]', 'l2[lambda=1]', 'l2[lambda=100]'], tuningSeeds: [100, 101], tuningRunIds: byLambda(1) });
    expect(readySpecs(plan)).toHaveLength(4);
  });

  it('deals reporting runs to shards by slot (entry, seed, ordering): each run in exactly one shard, the same one whatever was ready', () => {
    const results = new Map<string, RunResult>(specs.map((s) => [s.runId, fakeOk(s.runId, 0.5)]));
    const full = readySpecs(reportingPlan(suite, results)), partial = readySpecs(reportingPlan(suite, new Map()));
    expect([full.length, partial.length]).toEqual([4, 2]); // before tuning, only naive is ready
    const slots = reportingSlots(suite);
    expect(new Set(full.map(slotOf))).toEqual(new Set(slots));
    const shardOf = (s: RunSpec) => [0, 1, 2].filter((i) => shardKeys(slots, { index: i, count: 3 }).has(slotOf(s)));
    for (const s of full) expect(shardOf(s)).toHaveLength(1);
    for (const s of partial) expect(shardOf(s)).toEqual(shardOf(full.find((f) => f.runId === s.runId)!));
  });

  it('waits while a tuning run has no result, and never chooses a configuration with a failed tuning run', () => {
    const results = new Map<string, RunResult>(specs.slice(1).map((s) => [s.runId, fakeOk(s.runId, 0.5)]));
    expect(reportingPlan(suite, results)[1]).toEqual({ label: 'l2', status: 'waiting', finished: 5, total: 6 });
    for (const s of specs) results.set(s.runId, fakeOk(s.runId, s.config.hyperparameters.lambda === 100 ? 0.9 : 0.5));
    const [bad] = byLambda(100);
    results.set(bad, { runId: bad, status: 'failed' } as RunResult);
    const plan = reportingPlan(suite, results)[1] as Extract<ReturnType<typeof reportingPlan>[number], { status: 'ready' }>;
    expect(plan.specs[0].config.hyperparameters.lambda).toBe(0);
    for (const s of specs) results.set(s.runId, { runId: s.runId, status: 'failed' } as RunResult);
    expect(reportingPlan(suite, results)[1]).toMatchObject({ label: 'l2', status: 'no-candidate' });
    expect(bestPoint([NaN, NaN])).toBe(-1);
  });
});

describe('equal step budgets', () => {
  it('gives naive, CLNP (fine-tuning) and PackNet (retraining) the same steps per task: epochs × ⌈n/B⌉', async () => {
    await initBackend('wasm');
    const suite = parseSuite({
      ...TINY, name: 'steps', training: { ...TINY.training, epochs: 3, budget: 'equal-steps' }, seeds: [0], orderings: { explicit: [[0, 1]] },
      methods: [{ name: 'naive' }, { name: 'clnp', hyperparameters: { fineTuneEpochs: 1 } }, { name: 'packnet', hyperparameters: { retrainEpochs: 2 } }],
    });
    const specs = expandMatrix(suite);
    // Independent count: the training split sizes of the run's scenario, batch size 32.
    const perEpoch = scenarioForRun(specs[0].config).tasks.map((t) => Math.ceil(t.train.n / 32));
    const runs = await Promise.all(specs.map((s) => executeRun(s, { backend: 'wasm' }))) as OkRun[];
    const steps = Object.fromEntries(runs.map((r) => [r.method, r.steps]));
    expect(steps.naive).toEqual({ train: perEpoch.map((n) => 3 * n), consolidation: [0, 0] });
    expect(steps.clnp).toEqual({ train: perEpoch.map((n) => 2 * n), consolidation: perEpoch });
    expect(steps.packnet).toEqual({ train: perEpoch, consolidation: perEpoch.map((n) => 2 * n) });
  });

  it('every registered task-IL method takes epochs × ⌈n/B⌉ steps per task under equal-steps (joint: one pass per task seen so far; gdumb: none, it trains on its memory only)', async () => {
    await initBackend('wasm');
    const names = methodNames.filter((n) => getMethod(n).supports.includes('task'));
    const suite = parseSuite({
      ...TINY, name: 'steps-all', training: { ...TINY.training, epochs: 2, budget: 'equal-steps' }, seeds: [0], orderings: { explicit: [[0, 1]] },
      methods: names.map((name) => ({ name })),
    });
    const specs = expandMatrix(suite);
    const perEpoch = scenarioForRun(specs[0].config).tasks.map((t) => Math.ceil(t.train.n / 32));
    for (const spec of specs) {
      const r = await executeRun(spec, { backend: 'wasm' }) as OkRun;
      expect(r.status, spec.config.method).toBe('ok');
      if (spec.config.method === 'gdumb') {                              // the stated exception: every step retrains on its memory
        expect(r.steps!.train).toEqual([0, 0]);
        expect(r.steps!.consolidation.every((n) => n > 0)).toBe(true);
        continue;
      }
      const total = r.steps!.train.map((n, t) => n + r.steps!.consolidation[t]);
      // joint with a head per task takes turns over every task seen so far, batch by batch
      const expected = perEpoch.map((_, t) => 2 * (spec.config.method === 'joint' ? perEpoch.slice(0, t + 1).reduce((a, b) => a + b, 0) : perEpoch[t]));
      expect(total, spec.config.method).toEqual(expected);
    }
  });
});

describe('a suite with tuning, end to end', () => {
  it('chooses from validation only, and gives the same runs in one process and in 2 shards started one after the other', async () => {
    const suite = tuned();
    const one = tempDir('tuned'), sharded = tempDir('tuned-sh');
    const all = await runSuite(suite, { out: one, backend: 'wasm', workers: 1 });
    expect([all.ok, all.failed, all.waiting]).toEqual([6 + 2 + 2, 0, []]);
    const results = readResults(one);
    const tuning = results.filter((r): r is OkRun => r.stage === 'tuning' && r.status === 'ok');
    const reporting = results.filter((r): r is OkRun => r.stage === 'reporting' && r.status === 'ok');
    expect(tuning.every((r) => r.evaluatedOn === 'validation')).toBe(true);
    expect(reporting.every((r) => r.evaluatedOn === 'test')).toBe(true);
    // Recompute the choice from the tuning result files: mean validation ACC per λ, first best wins.
    const lambdas = [0, 1, 100];
    const means = lambdas.map((l) => {
      const accs = tuning.filter((r) => r.hyperparameters.lambda === l).map((r) => r.metrics.acc);
      expect(accs).toHaveLength(2);
      return (accs[0] + accs[1]) / 2;
    });
    const best = means.indexOf(Math.max(...means));
    const l2 = reporting.filter((r) => r.label === 'l2');
    expect(l2.map((r) => r.seed).sort()).toEqual([0, 1]);
    for (const r of l2) {
      expect(r.hyperparameters.lambda).toBe(lambdas[best]);
      expect(r.selection?.score).toBeCloseTo(means[best], 12);
    }
    // A tuning run's matrix is on validation data: it differs from the test matrix of the same configuration and seed.
    const spec = tuningSpecs(suite)[0];
    const asReporting = await executeRun({ runId: 'x', config: { ...spec.config, stage: 'reporting' } }, { backend: 'wasm' }) as OkRun;
    expect(results.find((r) => r.runId === spec.runId)!.status).toBe('ok');
    expect((results.find((r) => r.runId === spec.runId) as OkRun).accuracyMatrix).not.toEqual(asReporting.accuracyMatrix);

    // Shard 0 first: it runs its tuning runs, and reporting runs only of entries whose tuning is complete (naive).
    const events: RunnerEvent[] = [];
    const first = await runSuite(suite, { out: sharded, backend: 'wasm', workers: 1, shard: parseShard('0/2'), onEvent: (e) => events.push(e) });
    expect(first.waiting).toEqual(['l2']);
    expect(events.some((e) => e.type === 'stage-waiting' && e.label === 'l2')).toBe(true);
    const second = await runSuite(suite, { out: sharded, backend: 'wasm', workers: 1, shard: parseShard('1/2') });
    expect(second.waiting).toEqual([]);
    const again = await runSuite(suite, { out: sharded, backend: 'wasm', workers: 1, shard: parseShard('0/2') });
    expect(again.waiting).toEqual([]);
    expect(first.results.length + second.results.length + again.results.length).toBe(10);
    expect(outcomes(readResults(sharded))).toEqual(outcomes(results));
  });
});
