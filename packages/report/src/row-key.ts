/**
 * What one row of a report stands for (issue 16: one row, one configuration). A row is
 * (suite, label, configuration), where the configuration is the run's full config minus what
 * varies inside a row (seed and task ordering) and minus the row's other keys (suite, label),
 * plus the code version. Runs that differ in anything else are never averaged together.
 */
import { canonicalJson, type RunResult } from '@clbench/core';

/** Config fields that vary between the runs of one row, or are the row's other keys. */
const NOT_CONFIGURATION = ['seed', 'ordering', 'suite', 'label'] as const;

export type Configuration = Record<string, unknown> & { codeVersion: string };

/** The run's configuration: config fields other than NOT_CONFIGURATION, plus the code version. */
export function configurationOf(r: RunResult): Configuration {
  const config: Record<string, unknown> = { ...r.config };
  for (const k of NOT_CONFIGURATION) delete config[k];
  return { ...config, codeVersion: r.codeVersion };
}

/** Equal for two runs exactly when their configurations are equal (key order does not matter). */
export function configurationKey(r: RunResult): string {
  return canonicalJson(configurationOf(r));
}

/** The row a run belongs to. */
export function rowKey(r: RunResult): string {
  return canonicalJson([r.suite, r.label, configurationOf(r)]);
}

/** The fields in which the two rows of a paired comparison (paired.ts) may differ: the method. */
const METHOD_FIELDS = ['method', 'hyperparameters'] as const;

/**
 * Whether two rows ran in the same setting (data, scenario, network, training, code version),
 * so that runs with the same seed and ordering can be paired. The step budget (`training.budget`)
 * is part of the method's row, not of the setting: it only moves epochs of a method that trains
 * after consolidation (CLNP, PackNet), so a CLNP row under equal steps and one with its
 * fine-tuning on top both pair with the same baseline runs (clnp-permuted-mnist-tuned).
 */
export function sameSetting(a: Configuration, b: Configuration): boolean {
  const setting = (c: Configuration) => {
    const rest: Record<string, unknown> = { ...c };
    for (const k of METHOD_FIELDS) delete rest[k];
    if (rest.training && typeof rest.training === 'object') {
      const { budget: _budget, ...training } = rest.training as Record<string, unknown>;
      rest.training = training;
    }
    return canonicalJson(rest);
  };
  return setting(a) === setting(b);
}
