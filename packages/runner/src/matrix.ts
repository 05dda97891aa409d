/**
 * The run matrix: methods × seeds × orderings. Each run's id is a content hash of its
 * canonical config (keys sorted) and the code version, so a finished run is recognised
 * on resume and any change to what determines a result gives a new id.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, type RunConfig, type Suite } from '@clbench/core';
import { expandOrderings } from '@clbench/data';

/** Bump when a change alters results, so old result files are not taken as current. */
export const CODE_VERSION = 'clbench-0.2.0';

export interface RunSpec { runId: string; config: RunConfig }

export function runIdOf(config: RunConfig): string {
  return createHash('sha256').update(canonicalJson(config) + CODE_VERSION).digest('hex').slice(0, 16);
}

export function expandMatrix(suite: Suite): RunSpec[] {
  const orderings = expandOrderings(suite.orderings, suite.scenario.tasks);
  const specs: RunSpec[] = [];
  for (const m of suite.methods) for (const seed of suite.seeds) for (const ordering of orderings) {
    const config: RunConfig = {
      suite: suite.name, dataset: suite.dataset, scenario: suite.scenario, network: suite.network, training: suite.training,
      method: m.name, label: m.label ?? m.name, hyperparameters: m.hyperparameters, seed, ordering,
    };
    specs.push({ runId: runIdOf(config), config });
  }
  const ids = new Set(specs.map((s) => s.runId));
  if (ids.size !== specs.length) throw new Error(`suite "${suite.name}": ${specs.length - ids.size} duplicate runs (same method, hyper-parameters, seed and ordering)`);
  return specs;
}
