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
  const rng = new Rng(`scenario:${opts.seed}`);
  const byClass = indicesByClass(data.train, data.classes).map((idx) => (opts.limit ? idx.slice(0, opts.limit) : idx));
  const allRows = byClass.flat().sort((a, b) => a - b);
  const testByClass = indicesByClass(data.test, data.classes);
  const allClasses = [...Array(data.classes).keys()];
  /** Task k of a split: classes [first(k), first(k) + c). */
  const splitPlans = (T: number, c: number, first: (k: number) => number, name: (k: number, classes: number[]) => string, local: boolean): TaskPlan[] =>
    Array.from({ length: T }, (_, k) => {
      const classes = Array.from({ length: c }, (_, i) => first(k) + i);
      const rows = (per: number[][]) => classes.flatMap((cl) => per[cl]).sort((a, b) => a - b);
      return { name: name(k, classes), classes, trainRows: rows(byClass), testRows: rows(testByClass), relabel: local ? (v: number) => v - first(k) : undefined };
    });
  let plans: TaskPlan[], headOutputs: number[];
  const T = cfg.tasks;
  switch (cfg.type) {
    case 'split': {
      const c = cfg.classesPerTask;
      if (T * c > data.classes) throw new Error(`scenario: ${T} tasks × ${c} classes needs ${T * c} classes, ${data.name} has ${data.classes}`);
      plans = splitPlans(T, c, (k) => k * c, (_, classes) => `classes ${classes.join('/')}`, cfg.incremental !== 'class');
      headOutputs = cfg.incremental === 'task' ? Array(T).fill(c) : [cfg.incremental === 'class' ? T * c : c];
      break;
    }
    case 'permuted': {
      const D = data.imageShape.reduce((a, b) => a * b, 1), permRng = rng.fork('permutations');
      plans = Array.from({ length: T }, (_, k) => {
        const perm = k === 0 ? null : permRng.permutation(D);
        return { name: `permutation ${k}`, classes: allClasses, trainRows: allRows, testRows: null, transform: perm ? { type: 'permute', perm } : undefined };
      });
      headOutputs = cfg.incremental === 'task' ? Array(T).fill(data.classes) : [data.classes];
      break;
    }
    case 'rotated': {
      plans = Array.from({ length: T }, (_, k) => {
        const deg = (k * cfg.maxDegrees) / T;
        const transform: Transform | undefined = deg === 0 ? undefined : { type: 'rotate', rotation: planRotation(data.imageShape, deg) };
        return { name: `rotation ${deg.toFixed(0)}°`, classes: allClasses, trainRows: allRows, testRows: null, transform };
      });
      headOutputs = cfg.incremental === 'task' ? Array(T).fill(data.classes) : [data.classes];
      break;
    }
    case 'split-cifar': {
      // Zenke et al. 2017: task 0 = CIFAR-10, task k ≥ 1 = CIFAR-100 classes 10(k-1)..10k-1 (dataset classes 10k..10k+9).
      if (data.classes !== 110) throw new Error(`scenario "split-cifar" needs dataset "cifar10-100" (CIFAR-10 + CIFAR-100, 110 classes), got ${data.name}`);
      plans = splitPlans(T, 10, (k) => 10 * k, (k) => (k === 0 ? 'CIFAR-10' : `CIFAR-100 classes ${10 * (k - 1)}-${10 * k - 1}`), true);
      headOutputs = Array(T).fill(10);
      break;
    }
  }
  const ordering = opts.ordering.length ? opts.ordering : [...Array(T).keys()];
  if (ordering.length !== T) throw new Error(`ordering [${ordering.join(', ')}] has ${ordering.length} entries, scenario has ${T} tasks`);
  const valRng = rng.fork('validation');
  const tasks: TaskData[] = ordering.map((k, id) => {
    const p = plans[k];
    // validation: a seeded random fraction of the task's training rows
    const perm = valRng.permutation(p.trainRows.length), nVal = Math.round(p.trainRows.length * opts.validationFraction);
    const rows = (sel: Int32Array) => Int32Array.from(sel, (i) => p.trainRows[i]);
    return {
      id, name: p.name, classes: p.classes,
      train: view(data, data.train, rows(perm.subarray(nVal)), p),
      validation: view(data, data.train, rows(perm.subarray(0, nVal)), p),
      test: view(data, data.test, p.testRows ? Int32Array.from(p.testRows) : null, p),
    };
  });
  const inputShape = opts.image ? [...data.imageShape] : [data.imageShape.reduce((a, b) => a * b, 1)];
  return { name: `${cfg.type}-${data.name}`, incremental: cfg.incremental, inputShape, headOutputs: headOutputs!, tasks };
}

/** The rows of a pool a task uses (null = all), relabelled and transformed, as a view. */
function view(data: Dataset, pool: Labeled, rows: Int32Array | null, p: TaskPlan): Split {
  const r = rows ?? Int32Array.from({ length: pool.n }, (_, i) => i);
  const y = Int32Array.from(r, (i) => (p.relabel ? p.relabel(pool.y[i]) : pool.y[i]));
  return poolView(pool, data.levels, r, y, p.transform);
}
