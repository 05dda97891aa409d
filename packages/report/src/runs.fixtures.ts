/**
 * Constructed run results for the report tests: schema-valid RunResult objects whose
 * metrics come from core's computeMetrics on a hand-made accuracy matrix.
 */
import { computeMetrics, RunResultSchema, type FailedRun, type OkRun, type RunConfig } from '@clbench/core';

export interface RunParams {
  suite?: string;
  method?: string;
  label?: string;
  seed?: number;
  ordering?: number[];
  /** accuracy matrix R[i][j] */
  R: number[][];
  /** random-init accuracies (default 0.5 each) */
  b?: number[];
  wallSeconds?: number;
  samplesPerSecond?: number;
  diagnostics?: Record<string, unknown>;
  /** what else makes a configuration (defaults: {}, the fixture's training, "test", "cpu", 2026-01-01) */
  setting?: Setting;
  /** one shared head (FWT defined); default false: task-incremental, like config() */
  sharedHead?: boolean;
}

/** The parts of a run's configuration and provenance the row tests vary. */
export interface Setting {
  hyperparameters?: Record<string, unknown>;
  training?: Partial<RunConfig['training']>;
  codeVersion?: string;
  backend?: string;
  finishedAt?: string;
}

function config(p: { suite: string; method: string; label: string; seed: number; ordering: number[]; tasks: number; setting?: Setting }): RunConfig {
  return {
    suite: p.suite, dataset: { name: 'mnist', source: 'embedded' },
    scenario: { type: 'split', incremental: 'task', tasks: p.tasks, classesPerTask: 2 },
    network: { layers: [{ type: 'dense', units: 16 }] },
    training: { optimizer: 'adam', lr: 1e-3, epochs: 1, batchSize: 32, validationFraction: 0.1, budget: 'consolidation-extra', ...p.setting?.training }, // budget, stage: the schema's defaults
    method: p.method, label: p.label, hyperparameters: p.setting?.hyperparameters ?? {}, seed: p.seed, ordering: p.ordering, stage: 'reporting',
  };
}

const provenance = (s: Setting | undefined) => ({
  codeVersion: s?.codeVersion ?? 'test', backend: s?.backend ?? 'cpu',
  startedAt: '2026-01-01T00:00:00.000Z', finishedAt: s?.finishedAt ?? '2026-01-01T00:00:01.000Z', attempts: 1,
});

let counter = 0;
const nextId = () => (++counter).toString(16).padStart(16, '0');

export function okRun(p: RunParams): OkRun {
  const T = p.R.length;
  const method = p.method ?? 'naive', label = p.label ?? method, suite = p.suite ?? 'toy', seed = p.seed ?? 0;
  const ordering = p.ordering ?? [...Array(T).keys()];
  const b = p.b ?? Array(T).fill(0.5);
  return RunResultSchema.parse({
    runId: nextId(), suite, method, label, hyperparameters: p.setting?.hyperparameters ?? {}, seed, ordering,
    config: config({ suite, method, label, seed, ordering, tasks: T, setting: p.setting }),
    ...provenance(p.setting),
    status: 'ok', taskNames: ordering.map((t) => `task ${t}`), accuracyMatrix: p.R, randomInitAccuracy: b,
    metrics: computeMetrics(p.R, b, { sharedHead: p.sharedHead ?? false }), diagnostics: p.diagnostics ?? {},
    timing: { wallSeconds: p.wallSeconds ?? 1, trainSeconds: (p.wallSeconds ?? 1) * 0.9, samplesPerSecond: p.samplesPerSecond ?? 1000 },
    peakRssBytes: 200 * 2 ** 20,
  }) as OkRun;
}

export function failedRun(p: { suite?: string; method?: string; label?: string; seed?: number; tasks?: number; error?: string; setting?: Setting }): FailedRun {
  const method = p.method ?? 'naive', label = p.label ?? method, suite = p.suite ?? 'toy', seed = p.seed ?? 0;
  const ordering = [...Array(p.tasks ?? 2).keys()];
  return RunResultSchema.parse({
    runId: nextId(), suite, method, label, hyperparameters: p.setting?.hyperparameters ?? {}, seed, ordering,
    config: config({ suite, method, label, seed, ordering, tasks: p.tasks ?? 2, setting: p.setting }),
    ...provenance(p.setting),
    status: 'failed', error: p.error ?? 'loss diverged (NaN) at task 1, epoch 0',
  }) as FailedRun;
}

/** A T-task matrix with diagonal `d`, earlier tasks decaying by `drop` per later task, untrained tasks at 0.5. */
export function matrix(T: number, d: number, drop: number): number[][] {
  return [...Array(T).keys()].map((i) => [...Array(T).keys()].map((j) => (j > i ? 0.5 : d - drop * (i - j))));
}

/** diagnostics.clnp for a network of `layers` hidden layers of `units` units: 20 % of free units taken per task, 2 reused per task after the first. */
export function clnpDiagnostics(T: number, layers: number, units: number, jitter = 0) {
  const records = [];
  for (let l = 0; l < layers; l++) {
    let free = units;
    for (let t = 0; t < T; t++) {
      const taken = Math.round(free * 0.2) + jitter;
      free -= taken;
      const reused = t === 0 ? 0 : 2;
      records.push({ task: t, layer: l, free, active: taken + reused, reused });
    }
  }
  // pruning loss: 0.5 pp per task, plus 0.1 pp per jitter step
  const pruning = { tasks: [...Array(T).keys()].map((task) => ({ task, testAccBeforePruning: 0.97, testAccAfterConsolidation: 0.965 - 0.001 * jitter })) };
  return { clnp: { layers: records }, pruning };
}

/**
 * A realistic mix: `methods` × `seeds` × 2 orderings of a T-task suite, with seed-dependent
 * accuracies, CLNP diagnostics on "clnp" runs; `n` runs in all when seeds = n / (2 · methods).
 */
export function runSet(opts: { methods: string[]; seeds: number; T: number; suite?: string }): OkRun[] {
  const runs: OkRun[] = [];
  const orderings = [[...Array(opts.T).keys()], [...Array(opts.T).keys()].reverse()];
  opts.methods.forEach((method, mi) => {
    for (let seed = 0; seed < opts.seeds; seed++) for (const [oi, ordering] of orderings.entries()) {
      const d = 0.97 - 0.01 * ((seed * 7 + oi * 3 + mi) % 5);
      const drop = method === 'clnp' ? 0.002 : method === 'joint' ? 0.001 : 0.04 + 0.01 * mi;
      runs.push(okRun({
        suite: opts.suite, method, seed, ordering, R: matrix(opts.T, d, drop),
        wallSeconds: 10 + mi * 5 + seed * 0.3, samplesPerSecond: 5000 - mi * 700 + seed * 10,
        diagnostics: method === 'clnp' ? clnpDiagnostics(opts.T, 2, 64, seed % 2) : {},
      }));
    }
  });
  return runs;
}
