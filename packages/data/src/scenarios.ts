/**
 * Scenario builders: a dataset + scenario config + run seed + task ordering → tasks.
 *  - split:    task k holds classes [k·c, (k+1)·c); labels are local (0..c-1) for task-
 *              and domain-incremental, the original class for class-incremental.
 *  - permuted: task k applies a fixed pixel permutation drawn from the seed (task 0 = identity).
 *  - rotated:  task k rotates every image by k·maxDegrees/tasks degrees (bilinear).
 * `ordering[i]` is the task trained i-th; TaskData.id is the position in training order.
 * Validation is split off each task's training data with the run's RNG.
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

interface RawTask { name: string; classes: number[]; train: Labeled; test: Labeled }

export function buildScenario(data: Dataset, cfg: ScenarioConfig, opts: ScenarioOptions): Scenario {
  const rng = new Rng(`scenario:${opts.seed}`);
  const train = opts.limit ? limitPerClass(data.train, data.classes, opts.limit) : data.train;
  let raw: RawTask[], headOutputs: number[];
  const T = cfg.tasks;
  switch (cfg.type) {
    case 'split': {
      const c = cfg.classesPerTask;
      if (T * c > data.classes) throw new Error(`scenario: ${T} tasks × ${c} classes needs ${T * c} classes, ${data.name} has ${data.classes}`);
      const local = cfg.incremental !== 'class';
      raw = Array.from({ length: T }, (_, k) => {
        const classes = Array.from({ length: c }, (_, i) => k * c + i);
        const relabel = (d: Labeled) => { const s = byClasses(d, classes); if (local) s.y = s.y.map((v) => classes.indexOf(v)); return s; };
        return { name: `classes ${classes.join('/')}`, classes, train: relabel(train), test: relabel(data.test) };
      });
      headOutputs = cfg.incremental === 'task' ? Array(T).fill(c) : [cfg.incremental === 'class' ? T * c : c];
      break;
    }
    case 'permuted': {
      const D = data.train.x.length / data.train.n, permRng = rng.fork('permutations');
      const classes = [...Array(data.classes).keys()];
      raw = Array.from({ length: T }, (_, k) => {
        const perm = k === 0 ? null : permRng.permutation(D);
        return { name: `permutation ${k}`, classes, train: permute(train, perm), test: permute(data.test, perm) };
      });
      headOutputs = cfg.incremental === 'task' ? Array(T).fill(data.classes) : [data.classes];
      break;
    }
    case 'rotated': {
      const classes = [...Array(data.classes).keys()];
      raw = Array.from({ length: T }, (_, k) => {
        const deg = (k * cfg.maxDegrees) / T;
        return { name: `rotation ${deg.toFixed(0)}°`, classes, train: rotateImages(train, data.imageShape, deg), test: rotateImages(data.test, data.imageShape, deg) };
      });
      headOutputs = cfg.incremental === 'task' ? Array(T).fill(data.classes) : [data.classes];
      break;
    }
    case 'split-cifar':
      throw new Error('scenario "split-cifar" needs the CIFAR loader (dataset cifar10-100)');
  }
  const ordering = opts.ordering.length ? opts.ordering : [...Array(T).keys()];
  if (ordering.length !== T) throw new Error(`ordering [${ordering.join(', ')}] has ${ordering.length} entries, scenario has ${T} tasks`);
  const valRng = rng.fork('validation');
  const tasks: TaskData[] = ordering.map((k, id) => {
    const r = raw[k];
    const { fit, validation } = splitValidation(r.train, opts.validationFraction, valRng);
    return { id, name: r.name, classes: r.classes, train: fit, validation, test: r.test };
  });
  const inputShape = opts.image ? [...data.imageShape] : [data.imageShape.reduce((a, b) => a * b, 1)];
  return { name: `${cfg.type}-${data.name}`, incremental: cfg.incremental, inputShape, headOutputs: headOutputs!, tasks };
}

function byClasses(d: Labeled, classes: number[]): Labeled {
  const keep: number[] = [];
  for (let i = 0; i < d.n; i++) if (classes.includes(d.y[i])) keep.push(i);
  return subset(d, keep);
}

function limitPerClass(d: Labeled, classes: number, limit: number): Labeled {
  return subset(d, indicesByClass(d, classes).flatMap((idx) => idx.slice(0, limit)).sort((a, b) => a - b));
}

function permute(d: Labeled, perm: Int32Array | null): Labeled {
  if (!perm) return d;
  const D = perm.length, x = new Float32Array(d.x.length);
  for (let i = 0; i < d.n; i++) { const o = i * D; for (let p = 0; p < D; p++) x[o + p] = d.x[o + perm[p]]; }
  return { x, y: d.y, n: d.n };
}

function splitValidation(d: Labeled, fraction: number, rng: Rng): { fit: Split; validation: Split } {
  const perm = rng.permutation(d.n), nVal = Math.round(d.n * fraction);
  return { validation: subset(d, perm.subarray(0, nVal)), fit: subset(d, perm.subarray(nVal)) };
}
