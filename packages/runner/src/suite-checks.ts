/**
 * Semantic suite validation: every number of a schema-valid suite checked against what its
 * dataset, scenario and network can hold, before anything is expanded, allocated or run.
 * Each check returns its problem as "field: message" (suite-file.ts prefixes the file), or
 * nothing; the first problem found is reported. The checks run in order, so a later check
 * may rely on the earlier ones (e.g. on the task count being within its limit).
 * To add a check, append a function to SUITE_CHECKS.
 */
import type { ScenarioConfig, Suite } from '@clbench/core';
import { datasetFacts, expandOrderings, type DatasetFacts } from '@clbench/data';

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
  /** Bytes of task data one run holds: buildScenario (packages/data/src/scenarios.ts) copies each task's rows as float32. */
  taskDataBytes: 16 * 2 ** 30,
};
/** Batch size of accuracy evaluation (packages/core/src/trainer.ts, `accuracy`). */
const EVAL_BATCH = 1000;

export interface SuiteContext { suite: Suite; data: DatasetFacts }
export type SuiteCheck = (c: SuiteContext) => string | undefined;

const count = (n: number) => (n < 1e15 ? n.toLocaleString('en-US') : n.toExponential(2));
const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** The dataset classes each task of the scenario holds (scenarios.ts builds tasks the same way). */
function taskClasses(s: ScenarioConfig, data: DatasetFacts): number[][] {
  const range = (first: number, n: number) => Array.from({ length: n }, (_, i) => first + i);
  switch (s.type) {
    case 'split': return Array.from({ length: s.tasks }, (_, k) => range(k * s.classesPerTask, s.classesPerTask));
    case 'split-cifar': return Array.from({ length: s.tasks }, (_, k) => range(10 * k, 10));
    default: return Array.from({ length: s.tasks }, () => range(0, data.classes));
  }
}

/** Output units of each head (one per task in task-incremental learning). */
function headOutputs(s: ScenarioConfig, data: DatasetFacts): number[] {
  const outputs = s.type === 'split' ? (s.incremental === 'class' ? s.tasks * s.classesPerTask : s.classesPerTask)
    : s.type === 'split-cifar' ? 10 : data.classes;
  return Array(s.incremental === 'task' ? s.tasks : 1).fill(outputs);
}

const embeddedSource: SuiteCheck = ({ suite: { dataset } }) => {
  if (dataset.source === 'embedded' && dataset.name !== 'mnist') return `dataset.source: "${dataset.name}" has no embedded copy; give { "dir": "/path/to/files" }`;
};

const taskCount: SuiteCheck = ({ suite: { scenario } }) => {
  if (scenario.tasks > LIMITS.tasks) return `scenario.tasks: ${count(scenario.tasks)} tasks exceeds the limit of ${count(LIMITS.tasks)}`;
};

const scenarioClasses: SuiteCheck = ({ suite: { scenario: s }, data }) => {
  if (s.type === 'split' && s.tasks * s.classesPerTask > data.classes) {
    return `scenario.tasks: ${s.tasks} tasks × ${s.classesPerTask} classes needs ${s.tasks * s.classesPerTask} classes, ${data.name} has ${data.classes}`;
  }
  if (s.type === 'split' && s.classesPerTask === 1 && s.incremental !== 'class') {
    return `scenario.classesPerTask: 1 class per task makes a one-output head that is always right (${s.incremental}-incremental); use 2 or more, or "incremental": "class"`;
  }
  if (s.type === 'split-cifar' && data.name !== 'cifar10-100') {
    return `scenario.type: "split-cifar" needs dataset "cifar10-100" (CIFAR-10 + CIFAR-100, 110 classes), got "${data.name}"`;
  }
};

/** Task k of a rotated scenario turns every image by k·maxDegrees/tasks degrees (scenarios.ts): no two tasks may coincide. */
const distinctRotations: SuiteCheck = ({ suite: { scenario: s } }) => {
  if (s.type !== 'rotated') return;
  const taskAt = new Map<number, number>();
  for (let k = 0; k < s.tasks; k++) {
    const deg = ((((k * s.maxDegrees) / s.tasks) % 360) + 360) % 360;
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
 * Walk the network's shapes as buildNetwork (packages/core/src/network.ts) does: conv shapes
 * against the input size, and parameter and activation sizes against the limits.
 */
const networkSize: SuiteCheck = ({ suite: { network, scenario, training }, data }) => {
  const batch = Math.max(training.batchSize, EVAL_BATCH);
  let shape: number[] = network.layers[0].type === 'conv2d' ? [...data.imageShape] : [product(data.imageShape)];
  let parameters = 0, largest = { field: '', parameters: 0 };
  for (const [i, l] of network.layers.entries()) {
    if (l.type === 'dropout') continue;
    let field: string, layerParameters: number, outputFloats: number;
    if (l.type === 'dense') {
      field = `network.layers[${i}].units`;
      layerParameters = (product(shape) + 1) * l.units;
      outputFloats = l.units;
      shape = [l.units];
    } else {
      const [H, W, C] = shape, k = l.kernelSize;
      if (l.padding === 'valid' && (k > H || k > W)) return `network.layers[${i}].kernelSize: a ${k}×${k} 'valid' convolution does not fit its ${H}×${W} input`;
      const oh = l.padding === 'same' ? H : H - k + 1, ow = l.padding === 'same' ? W : W - k + 1;
      if (l.pool > oh || l.pool > ow) return `network.layers[${i}].pool: ${l.pool}×${l.pool} pooling of a ${oh}×${ow} feature map leaves nothing`;
      field = `network.layers[${i}].filters`;
      layerParameters = (k * k * C + 1) * l.filters;
      outputFloats = oh * ow * l.filters; // before pooling (the activation kept for pruning statistics)
      shape = [Math.floor(oh / l.pool), Math.floor(ow / l.pool), l.filters];
    }
    const activationBytes = 4 * batch * outputFloats;
    if (activationBytes > LIMITS.batchActivationBytes) {
      return `${field}: its output over a batch of ${batch} takes ${gib(activationBytes)}, more than the limit of ${gib(LIMITS.batchActivationBytes)}`;
    }
    parameters += layerParameters;
    if (layerParameters > largest.parameters) largest = { field, parameters: layerParameters };
  }
  const heads = headOutputs(scenario, data), headParameters = heads.reduce((n, k) => n + (product(shape) + 1) * k, 0);
  parameters += headParameters;
  if (headParameters > largest.parameters) largest = { field: `network.layers[${network.layers.length - 1}] (its ${heads.length} task heads)`, parameters: headParameters };
  if (parameters > LIMITS.parameters) {
    return `${largest.field}: the network has ${count(parameters)} parameters (${count(largest.parameters)} here), more than the limit of ${count(LIMITS.parameters)}`;
  }
};

/** The smallest task decides: after `limit` and the validation split it must fill a batch and keep validation samples. */
const samplesPerTask: SuiteCheck = ({ suite: { dataset, scenario, training }, data }) => {
  const perClass = data.trainPerClass.map((n) => Math.min(n, dataset.limit ?? n));
  const sizes = taskClasses(scenario, data).map((classes) => classes.reduce((n, c) => n + perClass[c], 0));
  const n = Math.min(...sizes), k = sizes.indexOf(n), f = training.validationFraction;
  const nValidation = Math.round(n * f), nTrain = n - nValidation; // as buildScenario splits
  const task = `task ${k} (${n} samples${dataset.limit ? `, dataset.limit ${dataset.limit} per class` : ''})`;
  if (nTrain < 1) return `training.validationFraction: ${f} of ${task} leaves no training sample`;
  if (f > 0 && nValidation < 1) return `training.validationFraction: ${f} of ${task} rounds to no validation sample`;
  if (training.batchSize > nTrain) return `training.batchSize: ${training.batchSize} is more than the ${nTrain} training samples of ${task}`;
};

/** Task data one run holds: permuted and rotated tasks each copy the whole (limited) dataset; split tasks share it out. */
const taskDataSize: SuiteCheck = ({ suite: { dataset, scenario }, data }) => {
  const train = data.trainPerClass.reduce((n, c) => n + Math.min(c, dataset.limit ?? c), 0);
  const copies = scenario.type === 'permuted' || scenario.type === 'rotated' ? scenario.tasks : 1;
  const bytes = copies * (train + data.testSamples) * product(data.imageShape) * 4;
  if (bytes > LIMITS.taskDataBytes) return `scenario.tasks: ${scenario.tasks} ${scenario.type} tasks of ${data.name} hold ${gib(bytes)} of images, more than the limit of ${gib(LIMITS.taskDataBytes)}`;
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
  samplesPerTask, taskDataSize, distinctSeeds, runCount, distinctOrderings,
];

/** Throws an Error "field: message" for the first problem of a schema-valid suite. */
export function checkSuite(suite: Suite): void {
  const context = { suite, data: datasetFacts(suite.dataset) };
  for (const check of SUITE_CHECKS) {
    const problem = check(context);
    if (problem) throw new Error(problem);
  }
}
