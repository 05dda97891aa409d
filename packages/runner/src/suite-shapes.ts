/**
 * What a suite's runs will build, derived without loading or allocating anything, from the
 * builders' own pure functions so that validation (suite-checks.ts) cannot drift from them:
 *  - the scenario: scenarioLayout (packages/data/src/scenarios.ts), which buildScenario builds from;
 *  - the network: networkLayout (packages/core/src/network.ts), which buildNetwork builds from;
 *  - samples per task and the data a run holds, from the dataset's facts (packages/data/src/facts.ts).
 * suite-checks.test.ts compares each with what the real builders produce.
 */
import { networkLayout, type NetworkLayout, type Suite } from '@clbench/core';
import { scenarioLayout, usesImages, viewBytes, type DatasetFacts, type ScenarioLayout, type TaskRows } from '@clbench/data';

/** The scenario buildScenario would build for the suite (input shape as the network's first layer needs it: load.ts scenarioForRun). */
export function scenarioOf(suite: Suite, data: DatasetFacts): ScenarioLayout {
  return scenarioLayout(suite.scenario, data, usesImages(suite.network));
}

/** The network buildNetwork would build for the suite's scenario (shapes and parameter counts). */
export function networkOf(suite: Suite, data: DatasetFacts): NetworkLayout {
  const scenario = scenarioOf(suite, data);
  return networkLayout(suite.network, scenario.inputShape, scenario.headOutputs);
}

/**
 * Samples of each task (in config order): training rows before validation is carved off, as
 * buildScenario takes them (at most dataset.limit per class), and test rows. The facts hold no
 * per-class test counts: a split task is charged the whole test set, an upper bound (the tasks
 * of a split share it out); a permuted or rotated task reads it all, exactly.
 */
export function taskRows(suite: Suite, data: DatasetFacts, layout = scenarioOf(suite, data)): TaskRows[] {
  const limit = suite.dataset.limit ?? Infinity;
  const perClass = data.trainPerClass.map((n) => Math.min(n, limit));
  return layout.tasks.map((t) => ({
    train: t.classes.reduce((n, c) => n + perClass[c], 0),
    test: data.testSamples,
  }));
}

/** Bytes of data a run's process holds. */
export interface DataBytes {
  /** The dataset as uint8 pixels, all of it (dataset.limit selects rows, it loads everything), held once per process and shared. */
  dataset: number;
  /** The run's task views over it: row indices, labels and transforms (viewBytes, scenarios.ts). */
  views: number;
}

export function dataBytesOf(suite: Suite, data: DatasetFacts): DataBytes {
  const layout = scenarioOf(suite, data);
  const pixels = data.imageShape.reduce((a, b) => a * b, 1);
  const samples = data.trainPerClass.reduce((a, b) => a + b, 0) + data.testSamples;
  return { dataset: samples * pixels, views: viewBytes(layout, data.imageShape, taskRows(suite, data, layout)) };
}
