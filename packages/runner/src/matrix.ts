/**
 * The run matrix: methods × seeds × orderings. Each run's id is a content hash of its
 * canonical config (keys sorted) and the code version, so a finished run is recognised
 * on resume and any change to what determines a result gives a new id. Suites with a
 * `tuning` stage build their two matrices in tuning.ts.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, type MethodEntry, type RunConfig, type Selection, type Stage, type Suite } from '@clbench/core';
import { expandOrderings } from '@clbench/data';

/** Bump when a change alters results, so old result files are not taken as current. */
export const CODE_VERSION = 'clbench-0.6.0';

/** One run to execute; `selection` says how a tuned entry's hyper-parameters were chosen (recorded, not hashed). */
export interface RunSpec { runId: string; config: RunConfig; selection?: Selection }

export function runIdOf(config: RunConfig): string {
  return createHash('sha256').update(canonicalJson(config) + CODE_VERSION).digest('hex').slice(0, 16);
}

/** The runs of a suite without a tuning stage: every method entry (grid point) × seed × ordering. */
export function expandMatrix(suite: Suite): RunSpec[] {
  if (suite.tuning) throw new Error(`suite "${suite.name}" has a tuning stage: its runs come from tuningSpecs and reportingPlan (tuning.ts)`);
  return uniqueRuns(suite, specsFor(suite, suite.methods, suite.seeds, expandOrderings(suite.orderings, suite.scenario.tasks), 'reporting'));
}

/** Runs of `methods` × `seeds` × `orderings` in one stage of `suite`. */
export function specsFor(suite: Suite, methods: MethodEntry[], seeds: number[], orderings: number[][], stage: Stage,
  { entry, selection }: { entry?: string; selection?: Selection } = {}): RunSpec[] {
  const specs: RunSpec[] = [];
  for (const m of methods) for (const seed of seeds) for (const ordering of orderings) {
    const config: RunConfig = {
      suite: suite.name, dataset: suite.dataset, scenario: suite.scenario, network: suite.network, training: { ...suite.training, ...m.training },
      method: m.name, label: m.label ?? m.name, hyperparameters: m.hyperparameters, seed, ordering, stage, ...(entry ? { entry } : {}),
    };
    specs.push({ runId: runIdOf(config), config, ...(selection ? { selection } : {}) });
  }
  return specs;
}

export function uniqueRuns(suite: Suite, specs: RunSpec[]): RunSpec[] {
  const ids = new Set(specs.map((s) => s.runId));
  if (ids.size !== specs.length) throw new Error(`suite "${suite.name}": ${specs.length - ids.size} duplicate runs (same method, hyper-parameters, seed and ordering)`);
  return specs;
}
