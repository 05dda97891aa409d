/**
 * Scenario builders: a dataset + scenario config + run seed + task ordering → tasks.
 *  - split:    task k holds classes [k·c, (k+1)·c); labels are local (0..c-1) for task-
 *              and domain-incremental, the original class for class-incremental.
 *  - permuted: task k applies a fixed pixel permutation drawn from the seed (task 0 = identity).
 *  - rotated:  task k rotates every image by k·maxDegrees/tasks degrees (bilinear).
 *  - split-cifar: task 0 = CIFAR-10, task k = CIFAR-100 classes 10(k-1)..10k-1 (dataset
 *              cifar10-100), per-task heads of 10 outputs (Zenke et al. 2017, Sec. 5).
 * `ordering[i]` is the task trained i-th; TaskData.id is the position in training order.
 * Validation is split off each task's training data with the run's RNG. Each task's rows
 * are copied once (memory matters at full size: 60 000 MNIST images are 188 MB as floats).
 */
import { Rng, type Scenario, type ScenarioConfig, type Split, type TaskData } from '@clbench/core';
import { indicesByClass, subset, type Dataset, type Labeled } from './dataset.js';
import { rotateImages } from './rotate.js';

export interface ScenarioOptions {
  seed: number;
  ordering: number[];          // [] = natural order
  validationFraction: number;
  /** Feed images as [H, W, C] (conv networks) instead of flat vectors. */
  image: boolean;
  /** At most this many training samples per class. */
  limit?: number;
}

/** A task before materialising: rows of the training / test pools, and how to map them. */
interface TaskPlan {
  name: string;
  classes: number[];
  trainRows: number[];                         // rows of the training pool (ascending)
  testRows: number[] | null;                   // rows of the test pool; null = all
  relabel?: (label: number) => number;         // e.g. to task-local labels
  transform?: (d: Labeled) => Labeled;         // e.g. a permutation or a rotation of every image
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
      const D = data.train.x.length / data.train.n, permRng = rng.fork('permutations');
      plans = Array.from({ length: T }, (_, k) => {
        const perm = k === 0 ? null : permRng.permutation(D);
        return { name: `permutation ${k}`, classes: allClasses, trainRows: allRows, testRows: null, transform: perm ? (d: Labeled) => permute(d, perm) : undefined };
      });
      headOutputs = cfg.incremental === 'task' ? Array(T).fill(data.classes) : [data.classes];
      break;
    }
    case 'rotated': {
      plans = Array.from({ length: T }, (_, k) => {
        const deg = (k * cfg.maxDegrees) / T;
        return { name: `rotation ${deg.toFixed(0)}°`, classes: allClasses, trainRows: allRows, testRows: null, transform: (d: Labeled) => rotateImages(d, data.imageShape, deg) };
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
    const rows = (sel: Int32Array) => Array.from(sel, (i) => p.trainRows[i]);
    return {
      id, name: p.name, classes: p.classes,
      train: materialise(data.train, rows(perm.subarray(nVal)), p),
      validation: materialise(data.train, rows(perm.subarray(0, nVal)), p),
      test: materialise(data.test, p.testRows, p),
    };
  });
  const inputShape = opts.image ? [...data.imageShape] : [data.imageShape.reduce((a, b) => a * b, 1)];
  return { name: `${cfg.type}-${data.name}`, incremental: cfg.incremental, inputShape, headOutputs: headOutputs!, tasks };
}

/** Copy the rows a task uses (once), relabel and transform them. */
function materialise(d: Labeled, rows: number[] | null, p: TaskPlan): Split {
  let s = rows ? subset(d, rows) : d;
  if (p.relabel) s = { ...s, y: s.y.map(p.relabel) };
  return p.transform ? p.transform(s) : s;
}

function permute(d: Labeled, perm: Int32Array): Labeled {
  const D = perm.length, x = new Float32Array(d.x.length);
  for (let i = 0; i < d.n; i++) { const o = i * D; for (let p = 0; p < D; p++) x[o + p] = d.x[o + perm[p]]; }
  return { x, y: d.y, n: d.n };
}
