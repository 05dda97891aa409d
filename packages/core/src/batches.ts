/**
 * Batching over flat typed arrays. The training loop and every consolidation pass
 * (Fisher, MAS, activation statistics) iterate batches through these helpers.
 */
import { tf } from './backend.js';
import type { Rng } from './rng.js';
import type { Split } from './task.js';

/** Gather rows `idx` of a split into tensors x [B, D] and y [B] (int32). */
export function gather(split: Split, idx: ArrayLike<number>): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const D = split.x.length / split.n, B = idx.length;
  const xb = new Float32Array(B * D), yb = new Int32Array(B);
  for (let k = 0; k < B; k++) {
    const i = idx[k];
    xb.set(split.x.subarray(i * D, (i + 1) * D), k * D);
    yb[k] = split.y[i];
  }
  return { x: tf.tensor2d(xb, [B, D]), y: tf.tensor1d(yb, 'int32') };
}

/** Call fn on consecutive batches of a split (in order); tensors are disposed after fn. */
export function forEachBatch(split: Split, batchSize: number, fn: (x: tf.Tensor2D, y: tf.Tensor1D, n: number) => void): void {
  for (let s = 0; s < split.n; s += batchSize) {
    const n = Math.min(batchSize, split.n - s);
    const idx = Array.from({ length: n }, (_, k) => s + k);
    const { x, y } = gather(split, idx);
    try { fn(x, y, n); } finally { x.dispose(); y.dispose(); }
  }
}

/** One epoch's plan: shuffled mini-batches of each source, interleaved in a shuffled order. */
export function planEpoch(sizes: number[], batchSize: number, rng: Rng): { source: number; idx: Int32Array }[] {
  const plan: { source: number; idx: Int32Array }[] = [];
  sizes.forEach((n, source) => {
    const perm = rng.permutation(n);
    for (let s = 0; s < n; s += batchSize) plan.push({ source, idx: perm.subarray(s, Math.min(n, s + batchSize)) });
  });
  return sizes.length > 1 ? rng.shuffle(plan) : plan;
}

/** Concatenate splits (joint training on a shared head mixes tasks inside a batch). */
export function concatSplits(splits: Split[]): Split {
  const n = splits.reduce((a, s) => a + s.n, 0);
  const x = new Float32Array(splits.reduce((a, s) => a + s.x.length, 0)), y = new Int32Array(n);
  let ox = 0, oy = 0;
  for (const s of splits) { x.set(s.x, ox); y.set(s.y, oy); ox += s.x.length; oy += s.n; }
  return { x, y, n };
}
