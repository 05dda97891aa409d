/**
 * Execute one run of the matrix in this thread: build the scenario, the method, train,
 * and return a result record. Errors (including NaN loss) become a failed-run record.
 */
import { computeMetrics, initBackend, Rng, trainContinual, type BackendName, type Progress, type RunResult } from '@clbench/core';
import { scenarioForRun } from '@clbench/data';
import { getMethod } from '@clbench/methods';
import { CODE_VERSION, type RunSpec } from './matrix.js';

export interface ExecuteOptions {
  backend: BackendName;
  onProgress?: (p: Progress) => void;
}

export async function executeRun(spec: RunSpec, opts: ExecuteOptions): Promise<RunResult> {
  const { config } = spec;
  const startedAt = new Date().toISOString();
  const common = {
    runId: spec.runId, suite: config.suite, method: config.method, label: config.label, hyperparameters: config.hyperparameters,
    seed: config.seed, ordering: config.ordering, config, codeVersion: CODE_VERSION, startedAt, attempts: 1,
  };
  let backend = opts.backend as string;
  try {
    backend = await initBackend(opts.backend);
    const t0 = performance.now();
    const scenario = scenarioForRun(config);
    const def = getMethod(config.method);
    const method = def.create(def.hyperparameters.parse(config.hyperparameters));
    const res = await trainContinual({
      scenario, network: config.network, training: config.training, method, rng: new Rng(config.seed), onProgress: opts.onProgress,
    });
    const wallSeconds = (performance.now() - t0) / 1000;
    return {
      ...common, status: 'ok', backend, finishedAt: new Date().toISOString(),
      taskNames: scenario.tasks.map((t) => t.name),
      accuracyMatrix: res.accuracyMatrix, randomInitAccuracy: res.randomInitAccuracy,
      metrics: computeMetrics(res.accuracyMatrix, res.randomInitAccuracy),
      diagnostics: res.warnings.length ? { ...res.diagnostics, warnings: res.warnings } : res.diagnostics,
      timing: { wallSeconds, trainSeconds: res.trainSeconds, samplesPerSecond: res.samplesTrained / Math.max(res.trainSeconds, 1e-9) },
      peakRssBytes: peakRss(),
    };
  } catch (e) {
    return { ...common, status: 'failed', backend, finishedAt: new Date().toISOString(), error: (e as Error).message || String(e) };
  }
}

/** Peak resident set size of this process so far (bytes). */
export function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}
