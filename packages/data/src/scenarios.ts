/**
 * Scenario builders: a dataset + scenario config + run seed + task ordering → tasks.
 *  - split:    task k holds classes [k·c, (k+1)·c); labels are local (0..c-1) for task-
 *              and domain-incremental, the original class for class-incremental.
 *  - permuted: task k applies a fixed pixel permutation drawn from the seed (task 0 = identity).
 *  - rotated:  task k rotates every image by k·maxDegrees/tasks degrees (bilinear).
 *  - split-cifar: task 0 = CIFAR-10, task k = CIFAR-100 classes 10(k-1)..10k-1 (dataset
 *              cifar10-100), per-task heads of 10 outputs (Zenke et al. 2017, Sec. 5).
 * `ordering[i]` is the task trained i-th; TaskData.id is the position in training order.
 * Validation is split off each task's training data with the run's RNG. Tasks copy no
 * pixels: each split is a view over the dataset (views.ts), rows + labels + a transform
 * (memory matters at full size: 60 000 MNIST images are 47 MB as bytes, 188 MB as floats).
 * What a config makes of a dataset (tasks, classes, heads, input shape, transforms) is
 * scenarioLayout's, a pure function that suite validation (packages/runner/src/suite-checks.ts)
 * calls too, so the checks and the builder cannot drift apart; viewBytes sizes the views.
 */
import { Rng, type Scenario, type ScenarioConfig, type Split, type TaskData } from '@clbench/core';
import { indicesByClass, type Dataset, type Labeled } from './dataset.js';
import { planRotation } from './rotate.js';
import { poolView, type Transform } from './views.js';

export interface ScenarioOptions {
  seed: number;
  ordering: number[];          // [] = natural order
  validationFraction: number;
  /** Feed images as [H, W, C] (conv networks) instead of flat vectors. */
  image: boolean;
  /** At most this many training samples per class. */
  limit?: number;
}

/** What a scenario needs to know of a dataset before reading it (a Dataset, or DatasetFacts: facts.ts). */
export type DatasetShape = Pick<Dataset, 'name' | 'classes' | 'imageShape'>;

/** How a task maps each image: none, its pixel permutation (drawn from the run's seed), or a rotation. */
export type TaskTransform = { type: 'none' } | { type: 'permute' } | { type: 'rotate'; degrees: number };

/** A task as the config makes it, before any row is read. */
export interface TaskLayout {
  name: string;
  /** Dataset classes the task holds. */
  classes: number[];
  /** Every row of the training and test pools (permuted, rotated); else the rows of `classes`. */
  wholePools: boolean;
  /** Task-local labels: dataset label − labelOffset (task- and domain-incremental splits); absent: dataset labels. */
  labelOffset?: number;
  transform: TaskTransform;
}

/** A scenario's tasks (in config order), heads and network input shape, known without its pixels. */
export interface ScenarioLayout { tasks: TaskLayout[]; headOutputs: number[]; inputShape: number[] }

/**
 * The layout buildScenario builds from (and suite validation, packages/runner/src/suite-checks.ts,
 * checks): pure, no RNG draw. Throws "field: message" when the dataset cannot hold the scenario.
 */
export function scenarioLayout(cfg: ScenarioConfig, data: DatasetShape, image: boolean): ScenarioLayout {
  const T = cfg.tasks, allClasses = [...Array(data.classes).keys()];
  /** Task k of a split: classes [first(k), first(k) + c). */
  const split = (c: number, first: (k: number) => number, name: (k: number, classes: number[]) => string, local: boolean): TaskLayout[] =>
    Array.from({ length: T }, (_, k) => {
      const classes = Array.from({ length: c }, (_, i) => first(k) + i);
      return { name: name(k, classes), classes, wholePools: false, labelOffset: local ? first(k) : undefined, transform: { type: 'none' } };
    });
  const whole = (name: string, transform: TaskTransform): TaskLayout => ({ name, classes: allClasses, wholePools: true, transform });
  const perTask = (n: number) => (cfg.incremental === 'task' ? Array(T).fill(n) : [n]);
  let tasks: TaskLayout[], headOutputs: number[];
  switch (cfg.type) {
    case 'split': {
      const c = cfg.classesPerTask;
      if (T * c > data.classes) throw new Error(`scenario.tasks: ${T} tasks × ${c} classes needs ${T * c} classes, ${data.name} has ${data.classes}`);
      if (cfg.seenClassesOnly && cfg.incremental !== 'class') throw new Error(`scenario.seenClassesOnly: masks the unseen classes of a shared class-incremental head; this scenario is ${cfg.incremental}-incremental`);
      tasks = split(c, (k) => k * c, (_, classes) => `classes ${classes.join('/')}`, cfg.incremental !== 'class');
      headOutputs = cfg.incremental === 'class' ? [T * c] : perTask(c);
      break;
    }
    case 'permuted':
      tasks = Array.from({ length: T }, (_, k) => whole(`permutation ${k}`, k === 0 ? { type: 'none' } : { type: 'permute' }));
      headOutputs = perTask(data.classes);
      break;
    case 'rotated':
      tasks = Array.from({ length: T }, (_, k) => {
        const degrees = (k * cfg.maxDegrees) / T;
        return whole(`rotation ${degrees.toFixed(0)}°`, degrees === 0 ? { type: 'none' } : { type: 'rotate', degrees });
      });
      headOutputs = perTask(data.classes);
      break;
    case 'split-cifar':
      // Zenke et al. 2017: task 0 = CIFAR-10, task k ≥ 1 = CIFAR-100 classes 10(k-1)..10k-1 (dataset classes 10k..10k+9).
      if (data.classes !== 110) throw new Error(`scenario.type: "split-cifar" needs dataset "cifar10-100" (CIFAR-10 + CIFAR-100, 110 classes), got "${data.name}"`);
      tasks = split(10, (k) => 10 * k, (k) => (k === 0 ? 'CIFAR-10' : `CIFAR-100 classes ${10 * (k - 1)}-${10 * k - 1}`), true);
      headOutputs = Array(T).fill(10);
      break;
  }
  const inputShape = image ? [...data.imageShape] : [data.imageShape.reduce((a, b) => a * b, 1)];
  return { tasks, headOutputs, inputShape };
}

/** Validation samples carved off a task of n training samples. */
export const validationCount = (n: number, fraction: number): number => Math.round(n * fraction);

/** Samples of a task's pools: training (validation included) and test. */
export interface TaskRows { train: number; test: number }

/**
 * Bytes the views of a built scenario hold besides the dataset (held once per process):
 * per sample of each split a row index and a label, both Int32 (view() below, poolView in
 * views.ts); per task its transform, a permutation (one Int32 per pixel) or a rotation plan
 * (4 Int32 + 2 Float64 per pixel position: planRotation in rotate.ts). No pixel is copied.
 */
export function viewBytes(layout: ScenarioLayout, imageShape: readonly number[], rows: readonly TaskRows[]): number {
  const [H, W, C] = imageShape;
  const transformBytes = (t: TaskTransform) => (t.type === 'permute' ? 4 * H * W * C : t.type === 'rotate' ? 32 * H * W : 0);
  return layout.tasks.reduce((bytes, t, k) => bytes + 8 * (rows[k].train + rows[k].test) + transformBytes(t.transform), 0);
}

/** A task before its views are made: rows of the training / test pools, and how to map them. */
interface TaskPlan {
  name: string;
  classes: number[];
  trainRows: number[];                         // rows of the training pool (ascending)
  testRows: number[] | null;                   // rows of the test pool; null = all
  relabel?: (label: number) => number;         // e.g. to task-local labels
  transform?: Transform;                       // a permutation or a rotation of every image
}

export function buildScenario(data: Dataset, cfg: ScenarioConfig, opts: ScenarioOptions): Scenario {
  const layout = scenarioLayout(cfg, data, opts.image), T = cfg.tasks;
  const rng = new Rng(`scenario:${opts.seed}`), permRng = rng.fork('permutations');
  const byClass = indicesByClass(data.train, data.classes).map((idx) => (opts.limit ? idx.slice(0, opts.limit) : idx));
  const allRows = byClass.flat().sort((a, b) => a - b);
  const testByClass = indicesByClass(data.test, data.classes);
  const D = data.imageShape.reduce((a, b) => a * b, 1);
  const plans: TaskPlan[] = layout.tasks.map((t) => {
    const rows = (per: number[][]) => t.classes.flatMap((cl) => per[cl]).sort((a, b) => a - b);
    const offset = t.labelOffset;
    return {
      name: t.name, classes: t.classes,
      trainRows: t.wholePools ? allRows : rows(byClass), testRows: t.wholePools ? null : rows(testByClass),
      relabel: offset === undefined ? undefined : (v: number) => v - offset,
      transform: transformOf(t.transform, data, permRng, D),   // permutations drawn in task order
    };
  });
  const ordering = opts.ordering.length ? opts.ordering : [...Array(T).keys()];
  if (ordering.length !== T) throw new Error(`ordering [${ordering.join(', ')}] has ${ordering.length} entries, scenario has ${T} tasks`);
  const valRng = rng.fork('validation');
  const tasks: TaskData[] = ordering.map((k, id) => {
    const p = plans[k];
    // validation: a seeded random fraction of the task's training rows
    const perm = valRng.permutation(p.trainRows.length), nVal = validationCount(p.trainRows.length, opts.validationFraction);
    const rows = (sel: Int32Array) => Int32Array.from(sel, (i) => p.trainRows[i]);
    return {
      id, name: p.name, classes: p.classes,
      train: view(data, data.train, rows(perm.subarray(nVal)), p),
      validation: view(data, data.train, rows(perm.subarray(0, nVal)), p),
      test: view(data, data.test, p.testRows ? Int32Array.from(p.testRows) : null, p),
    };
  });
  const seenClassesOnly = cfg.type === 'split' && cfg.seenClassesOnly === true;       // absent unless set: the Scenario stays as before
  return { name: `${cfg.type}-${data.name}`, incremental: cfg.incremental, inputShape: layout.inputShape, headOutputs: layout.headOutputs, tasks, ...(seenClassesOnly ? { seenClassesOnly } : {}) };
}

/** A task's transform made concrete: a permutation drawn from `permRng`, or a planned rotation. */
function transformOf(t: TaskTransform, data: Dataset, permRng: Rng, D: number): Transform | undefined {
  if (t.type === 'permute') return { type: 'permute', perm: permRng.permutation(D) };
  if (t.type === 'rotate') return { type: 'rotate', rotation: planRotation(data.imageShape, t.degrees) };
  return undefined;
}

/** The rows of a pool a task uses (null = all), relabelled and transformed, as a view. */
function view(data: Dataset, pool: Labeled, rows: Int32Array | null, p: TaskPlan): Split {
  const r = rows ?? Int32Array.from({ length: pool.n }, (_, i) => i);
  const y = Int32Array.from(r, (i) => (p.relabel ? p.relabel(pool.y[i]) : pool.y[i]));
  return poolView(pool, data.levels, r, y, p.transform);
}
