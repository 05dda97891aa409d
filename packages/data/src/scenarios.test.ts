import type { ScenarioConfig } from '@clbench/core';
import { describe, expect, it } from 'vitest';
import { BYTE_LEVELS, type Dataset, type Labeled } from './dataset.js';
import { planRotation, rotateInto } from './rotate.js';
import { buildScenario, type ScenarioOptions } from './scenarios.js';

/** Rotate one image given as codes into `levels` (default: byte/255). */
function rotate(codes: Uint8Array, shape: [number, number, number], degrees: number, levels: Float32Array = BYTE_LEVELS): Float32Array {
  const out = new Float32Array(codes.length);
  rotateInto(planRotation(shape, degrees), codes, 0, levels, out, 0);
  return out;
}
/** A hand-made 5×5 one-channel image with a single lit pixel (value 1) at (r, c). */
function dot(r: number, c: number, side = 5): Uint8Array {
  const codes = new Uint8Array(side * side);
  codes[r * side + c] = 255;
  return codes;
}
const litPixels = (x: Float32Array, side = 5) => [...x].flatMap((v, k) => (v > 1e-6 ? [[Math.floor(k / side), k % side, +v.toFixed(6)]] : []));
const S: [number, number, number] = [5, 5, 1];

describe('planRotation + rotateInto on hand-made images', () => {
  it('90° turns the image counter-clockwise: (r, c) → (W-1-c, r), exactly', () => {
    expect(litPixels(rotate(dot(1, 3), S, 90))).toEqual([[1, 1, 1]]);  // top-right → top-left
    expect(litPixels(rotate(dot(0, 0), S, 90))).toEqual([[4, 0, 1]]);  // top-left → bottom-left
  });
  it('180° maps (r, c) → (H-1-r, W-1-c); 360° is the identity', () => {
    expect(litPixels(rotate(dot(0, 1), S, 180))).toEqual([[4, 3, 1]]);
    expect(litPixels(rotate(dot(2, 4), S, 360))).toEqual([[2, 4, 1]]);
  });
  it('45°: the centre stays, corners are partly filled with zeros, values are bilinear', () => {
    const r = rotate(new Uint8Array(25).fill(255), S, 45);
    expect(r[12]).toBeCloseTo(1, 6);
    // corner (0, 0) reads the source at (2 − 2√2, 2) ≈ (−0.83, 2): only row 0 is inside, weight 3 − 2√2 (zero fill for row −1)
    expect(r[0]).toBeCloseTo(3 - 2 * Math.SQRT2, 6);
    // output (2, 4) reads the source at centre + 2·(sin45°, cos45°) = (2 + √2, 2 + √2): floor 3, fraction f = √2 − 1,
    // so a lone source pixel at (3, 3) contributes (1−f)², one at (4, 4) contributes f² (bilinear weights)
    const f = Math.SQRT2 - 1;
    expect(rotate(dot(3, 3), S, 45)[2 * 5 + 4]).toBeCloseTo((1 - f) ** 2, 6);
    expect(rotate(dot(4, 4), S, 45)[2 * 5 + 4]).toBeCloseTo(f ** 2, 6);
    expect(rotate(dot(3, 4), S, 45)[2 * 5 + 4]).toBeCloseTo((1 - f) * f, 6);
  });
  it('rotates every channel alike', () => {
    const codes = new Uint8Array(5 * 5 * 2), levels = new Float32Array(256);
    levels[1] = 0.25; levels[2] = 0.75;
    codes[(1 * 5 + 3) * 2 + 0] = 1; codes[(1 * 5 + 3) * 2 + 1] = 2;
    const r = rotate(codes, [5, 5, 2], 90, levels);
    expect([r[(1 * 5 + 1) * 2], r[(1 * 5 + 1) * 2 + 1]]).toEqual([0.25, 0.75]);
    expect([...r].filter((v) => v !== 0).length).toBe(2);
  });
});

/** A tiny dataset: 6×6 images whose pixel p of image i is ((p + 1) · (i + 1)) mod 97 / 97; 3 classes. */
function tiny(n = 30): Dataset {
  const make = (m: number, off: number): Labeled => {
    const codes = new Uint8Array(m * 36), y = new Int32Array(m);
    for (let i = 0; i < m; i++) { y[i] = i % 3; for (let p = 0; p < 36; p++) codes[i * 36 + p] = ((p + 1) * (i + off + 1)) % 97; }
    return { codes, y, n: m };
  };
  const levels = Float32Array.from({ length: 256 }, (_, k) => k / 97);
  return { name: 'tiny', imageShape: [6, 6, 1], classes: 3, levels, train: make(n, 0), test: make(12, 1000) };
}

const opts = (seed: number): ScenarioOptions => ({ seed, ordering: [], validationFraction: 0.2, image: false });
const permuted: ScenarioConfig = { type: 'permuted', incremental: 'domain', tasks: 4 };
const rotated: ScenarioConfig = { type: 'rotated', incremental: 'domain', tasks: 4, maxDegrees: 180 };
const fingerprint = (s: ReturnType<typeof buildScenario>) => s.tasks.map((t) => [t.name, [...t.train.x], [...t.train.y], [...t.validation.x], [...t.test.x]]);

describe('scenarios are determined by the seed', () => {
  for (const cfg of [permuted, rotated]) {
    it(`${cfg.type}: the same seed gives identical tasks, another seed different ones`, () => {
      const d = tiny();
      expect(fingerprint(buildScenario(d, cfg, opts(7)))).toEqual(fingerprint(buildScenario(d, cfg, opts(7))));
      expect(fingerprint(buildScenario(d, cfg, opts(8)))).not.toEqual(fingerprint(buildScenario(d, cfg, opts(7))));
    });
  }

  it('permuted: task 0 is the identity; task k applies one pixel permutation to every train and test image', () => {
    // encode the pixel index: image pixel p = p / 36, so a permuted image spells out its permutation
    const enc = (m: number): Labeled => ({ codes: Uint8Array.from({ length: m * 36 }, (_, k) => k % 36), y: Int32Array.from({ length: m }, (_, i) => i % 3), n: m });
    const levels = Float32Array.from({ length: 256 }, (_, k) => k / 36);
    const d: Dataset = { name: 'enc', imageShape: [6, 6, 1], classes: 3, levels, train: enc(15), test: enc(6) };
    const s = buildScenario(d, permuted, opts(1));
    const permOf = (x: Float32Array, i: number) => Array.from(x.subarray(i * 36, (i + 1) * 36), (v) => Math.round(v * 36));
    const identity = [...Array(36).keys()];
    expect(permOf(s.tasks[0].test.x, 0)).toEqual(identity);
    const perms = s.tasks.slice(1).map((t) => permOf(t.test.x, 0));
    for (const [k, p] of perms.entries()) {
      const t = s.tasks[k + 1];
      expect([...p].sort((a, b) => a - b)).toEqual(identity);                     // a permutation
      expect(p).not.toEqual(identity);
      for (let i = 0; i < t.test.n; i++) expect(permOf(t.test.x, i)).toEqual(p);   // same for every image
      for (let i = 0; i < t.train.n; i++) expect(permOf(t.train.x, i)).toEqual(p); // and for training images
    }
    expect(new Set(perms.map((p) => p.join())).size).toBe(3);                     // tasks differ
    const other = buildScenario(d, permuted, opts(2)).tasks.slice(1).map((t) => permOf(t.test.x, 0));
    expect(other).not.toEqual(perms);
  });

  it('rotated: task k is the test set rotated by k·180/4 degrees, labels unchanged', () => {
    const d = tiny(), s = buildScenario(d, rotated, opts(3));
    expect(s.tasks.map((t) => t.name)).toEqual(['rotation 0°', 'rotation 45°', 'rotation 90°', 'rotation 135°']);
    for (let i = 0; i < d.test.n; i++) {
      const image = d.test.codes.subarray(i * 36, (i + 1) * 36);
      expect([...s.tasks[2].test.x.subarray(i * 36, (i + 1) * 36)]).toEqual([...rotate(image, [6, 6, 1], 90, d.levels)]);
    }
    expect([...s.tasks[2].test.y]).toEqual([...d.test.y]);
    expect(s.headOutputs).toEqual([3]);
  });

  it('validation rows are disjoint from training rows and the same in every seed-equal build', () => {
    const d = tiny(), s = buildScenario(d, { type: 'split', incremental: 'task', tasks: 3, classesPerTask: 1 }, opts(5));
    for (const t of s.tasks) {
      expect(t.train.n + t.validation.n).toBe(10);
      expect(t.validation.n).toBe(2);
      const rowsOf = (x: Float32Array, n: number) => Array.from({ length: n }, (_, i) => x[i * 36].toFixed(6)); // pixel 0 = (i+1) mod 97 identifies the row
      const tr = new Set(rowsOf(t.train.x, t.train.n));
      for (const v of rowsOf(t.validation.x, t.validation.n)) expect(tr.has(v)).toBe(false);
    }
  });
});

describe('split scenario: seenClassesOnly', () => {
  it('reaches the Scenario only when set; refused, naming the field, outside class-incremental', () => {
    const d = tiny(), split = { type: 'split', tasks: 3, classesPerTask: 1 } as const;
    expect(buildScenario(d, { ...split, incremental: 'class', seenClassesOnly: true }, opts(5)).seenClassesOnly).toBe(true);
    expect('seenClassesOnly' in buildScenario(d, { ...split, incremental: 'class' }, opts(5))).toBe(false);      // absent: the Scenario as before
    expect('seenClassesOnly' in buildScenario(d, { ...split, incremental: 'class', seenClassesOnly: false }, opts(5))).toBe(false);
    for (const incremental of ['task', 'domain'] as const) {
      expect(() => buildScenario(d, { ...split, incremental, seenClassesOnly: true }, opts(5)))
        .toThrow(`scenario.seenClassesOnly: masks the unseen classes of a shared class-incremental head; this scenario is ${incremental}-incremental`);
    }
  });
});
