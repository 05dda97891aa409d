/**
 * Semantic suite validation: every number of a schema-valid suite checked against what its
 * dataset, scenario and network can hold, before anything is expanded, allocated or run.
 * Each check returns its problem as "field: message" (suite-file.ts prefixes the file), or
 * nothing; the first problem found is reported. The checks run in order, so a later check
 * may rely on the earlier ones (e.g. on the task count being within its limit).
 * Shapes, sizes and samples come from the builders' own pure functions (suite-shapes.ts:
 * scenarioLayout in packages/data/src/scenarios.ts, networkLayout in packages/core/src/network.ts).
 * To add a check, append a function to SUITE_CHECKS.
 * Nothing here reads the dataset's files: `clbench run` checks those next, once, before any run
 * (checkDataset, packages/data/src/load.ts: headers, sizes, image and label counts, image sizes,
 * label values), and exits 2 with the loader's one line naming the file.
 */
import type { NetworkLayout, Suite } from '@clbench/core';
import { datasetFacts, expandOrderings, validationCount, type DatasetFacts } from '@clbench/data';
import { dataBytesOf, networkOf, scenarioOf, taskRows } from './suite-shapes.js';

/** Sizes beyond which a run (or the coordinator) would exhaust memory. */
export const LIMITS = {
  /** Tasks of a scenario. */
  tasks: 1000,
  /** Runs of a suite's matrix (methods, grid points included, × seeds × orderings). */
  runs: 100_000,
  /** Orderings × tasks: the coordinator holds every ordering. */
  orderingEntries: 1_000_000,
  /** Network parameters: training holds several float32 copies (weights, gradients, Adam moments, anchors, importances). */
  parameters: 100_000_000,
  /** Bytes of one layer's float32 output over a batch (the training batch, or the evaluation batch). */
  batchActivationBytes: 2 ** 30,
  /** Bytes of data a run's process holds: the dataset as uint8 (once) + the run's task views over it (suite-shapes.ts dataBytesOf). */
  dataBytes: 16 * 2 ** 30,
};
/** Batch size of accuracy evaluation (packages/core/src/trainer.ts, `accuracy`). */
const EVAL_BATCH = 1000;

export interface SuiteContext { suite: Suite; data: DatasetFacts }
export type SuiteCheck = (c: SuiteContext) => string | undefined;

const count = (n: number) => (n < 1e15 ? n.toLocaleString('en-US') : n.toExponential(2));
const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
const size = (bytes: number) => (bytes < 2 ** 30 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : gib(bytes));
const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

const embeddedSource: SuiteCheck = ({ suite: { dataset } }) => {
  if (dataset.source === 'embedded' && dataset.name !== 'mnist') return `dataset.source: "${dataset.name}" has no embedded copy; give { "dir": "/path/to/files" }`;
};

const taskCount: SuiteCheck = ({ suite: { scenario } }) => {
  if (scenario.tasks > LIMITS.tasks) return `scenario.tasks: ${count(scenario.tasks)} tasks exceeds the limit of ${count(LIMITS.tasks)}`;
};

/** Classes the dataset lacks for the scenario (scenarioLayout throws them), then a head that cannot be wrong. */
const scenarioClasses: SuiteCheck = ({ suite, data }) => {
  try { scenarioOf(suite, data); } catch (e) { return (e as Error).message; } // "field: message"
  const s = suite.scenario;
  if (s.type === 'split' && s.classesPerTask === 1 && s.incremental !== 'class') {
    return `scenario.classesPerTask: 1 class per task makes a one-output head that is always right (${s.incremental}-incremental); use 2 or more, or "incremental": "class"`;
  }
};

/** Each task of a rotated scenario turns every image by its own angle (scenarioLayout): no two tasks may coincide. */
const distinctRotations: SuiteCheck = ({ suite, data }) => {
  const s = suite.scenario;
  if (s.type !== 'rotated') return;
  const taskAt = new Map<number, number>();
  for (const [k, { transform }] of scenarioOf(suite, data).tasks.entries()) {
    const degrees = transform.type === 'rotate' ? transform.degrees : 0;
    const deg = ((degrees % 360) + 360) % 360;
    const key = Math.round(deg * 1e6) % 360e6; // 1e-6° apart counts as the same rotation
    const other = taskAt.get(key);
    if (other !== undefined) return `scenario.maxDegrees: tasks ${other} and ${k} are both rotated by ${deg.toFixed(1)}° (mod 360) with ${s.maxDegrees}° over ${s.tasks} tasks`;
    taskAt.set(key, k);
  }
};

const layerOrder: SuiteCheck = ({ suite: { network } }) => {
  const layers = network.layers;
  for (let i = 0; i < layers.length; i++) {
    const prev = layers[i - 1];
    if (layers[i].type === 'dropout' && (!prev || prev.type === 'dropout')) {
      return `network.layers[${i}]: dropout must follow a dense or conv2d layer (it sets that layer's dropout rate)`;
    }
    if (layers[i].type === 'conv2d' && layers.slice(0, i).some((l) => l.type === 'dense')) return `network.layers[${i}]: conv2d cannot follow a dense layer`;
  }
};

/**
 * The network buildNetwork would build (networkLayout, packages/core/src/network.ts): layers the
 * input cannot feed (networkLayout throws them), then each layer's output over the larger of the
 * training and evaluation batches, then the parameter count against the limits.
 */
const networkSize: SuiteCheck = ({ suite, data }) => {
  let network: NetworkLayout;
  try { network = networkOf(suite, data); } catch (e) { return (e as Error).message; } // "network.layers[i](.field): message"
  const batch = Math.max(suite.training.batchSize, EVAL_BATCH);
  let largest = { field: '', parameters: 0 };
  for (const l of network.layers) {
    const field = `network.layers[${l.configIndex}].${l.kind === 'dense' ? 'units' : 'filters'}`;
    const activationBytes = 4 * batch * product(l.activationShape); // before pooling (the activation kept for pruning statistics)
    if (activationBytes > LIMITS.batchActivationBytes) {
      return `${field}: its output over a batch of ${batch} takes ${gib(activationBytes)}, more than the limit of ${gib(LIMITS.batchActivationBytes)}`;
    }
    if (l.parameters > largest.parameters) largest = { field, parameters: l.parameters };
  }
  const headParameters = network.heads.reduce((n, [features, outputs]) => n + (features + 1) * outputs, 0);
  if (headParameters > largest.parameters) {
    largest = { field: `network.layers[${suite.network.layers.length - 1}] (its ${network.heads.length} task heads)`, parameters: headParameters };
  }
  if (network.parameters > LIMITS.parameters) {
    return `${largest.field}: the network has ${count(network.parameters)} parameters (${count(largest.parameters)} here), more than the limit of ${count(LIMITS.parameters)}`;
  }
};

/** The smallest task decides: after `limit` and the validation split it must fill a batch and keep validation samples. */
const samplesPerTask: SuiteCheck = ({ suite, data }) => {
  const { dataset, training } = suite;
  const sizes = taskRows(suite, data).map((rows) => rows.train);
  const n = Math.min(...sizes), k = sizes.indexOf(n), f = training.validationFraction;
  const nValidation = validationCount(n, f), nTrain = n - nValidation; // as buildScenario splits
  const task = `task ${k} (${n} samples${dataset.limit ? `, dataset.limit ${dataset.limit} per class` : ''})`;
  if (nTrain < 1) return `training.validationFraction: ${f} of ${task} leaves no training sample`;
  if (f > 0 && nValidation < 1) return `training.validationFraction: ${f} of ${task} rounds to no validation sample`;
  if (training.batchSize > nTrain) return `training.batchSize: ${training.batchSize} is more than the ${nTrain} training samples of ${task}`;
};

/**
 * Data a run's process holds: the dataset once as uint8 pixels, and per task a view over it
 * (row indices, labels, a permutation or rotation plan: viewBytes, scenarios.ts). Tasks copy
 * no pixels, so long permuted or rotated suites cost indices, not images.
 */
const dataSize: SuiteCheck = ({ suite, data }) => {
  const bytes = dataBytesOf(suite, data), scenario = suite.scenario;
  const total = bytes.dataset + bytes.views;
  if (total <= LIMITS.dataBytes) return;
  const field = bytes.views >= bytes.dataset ? 'scenario.tasks' : 'dataset.name';
  return `${field}: ${scenario.tasks} ${scenario.type} tasks of ${data.name} hold ${size(total)} (${size(bytes.dataset)} of uint8 images, shared, and ${size(bytes.views)} of task views), more than the limit of ${size(LIMITS.dataBytes)}`;
};

const distinctSeeds: SuiteCheck = ({ suite: { seeds } }) => {
  const i = seeds.findIndex((s, j) => seeds.indexOf(s) !== j);
  if (i >= 0) return `seeds[${i}]: seed ${seeds[i]} is listed twice`;
};

/** Upper bound on the runs of the matrix: a hyper-parameter list makes a grid (grid.ts). */
const runCount: SuiteCheck = ({ suite: { methods, seeds, orderings, scenario } }) => {
  const gridPoints = methods.reduce((n, m) => n + product(Object.values(m.hyperparameters).map((v) => (Array.isArray(v) ? v.length : 1))), 0);
  const nOrderings = 'random' in orderings ? orderings.random : orderings.explicit.length;
  const runs = gridPoints * seeds.length * nOrderings;
  if (runs > LIMITS.runs) return `methods × seeds × orderings: up to ${count(gridPoints)} × ${seeds.length} × ${count(nOrderings)} = ${count(runs)} runs, more than the limit of ${count(LIMITS.runs)}`;
  if (nOrderings * scenario.tasks > LIMITS.orderingEntries) return `orderings: ${count(nOrderings)} orderings of ${scenario.tasks} tasks, more than the limit of ${count(LIMITS.orderingEntries)} entries`;
};

/** Orderings must be permutations of the tasks (orderings.ts throws naming the entry) and pairwise different. */
const distinctOrderings: SuiteCheck = ({ suite: { orderings, scenario } }) => {
  const all = expandOrderings(orderings, scenario.tasks), firstAt = new Map<string, number>();
  for (const [k, o] of all.entries()) {
    const key = o.join(','), j = firstAt.get(key);
    if (j === undefined) { firstAt.set(key, k); continue; }
    return 'random' in orderings
      ? `orderings.random: orderings ${j} and ${k} drawn with seed ${orderings.seed} are both [${key}]; ask for fewer orderings or change orderings.seed`
      : `orderings.explicit[${k}]: the same ordering as orderings.explicit[${j}] ([${key}])`;
  }
};

export const SUITE_CHECKS: SuiteCheck[] = [
  embeddedSource, taskCount, scenarioClasses, distinctRotations, layerOrder, networkSize,
  samplesPerTask, dataSize, distinctSeeds, runCount, distinctOrderings,
];

/** Throws an Error "field: message" for the first problem of a schema-valid suite. */
export function checkSuite(suite: Suite): void {
  const context = { suite, data: datasetFacts(suite.dataset) };
  for (const check of SUITE_CHECKS) {
    const problem = check(context);
    if (problem) throw new Error(problem);
  }
}
