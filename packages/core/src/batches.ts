/**
 * Batching over flat typed arrays. The training loop and every consolidation pass
 * (Fisher, MAS, activation statistics) iterate batches through these helpers.
 */
import { tf } from './backend.js';
import type { Rng } from './rng.js';
import type { Split, SplitView } from './task.js';

/** Values per sample of a split (without materialising a view's x). */
export function featureCount(split: Split): number {
  if (split.view) return split.view.dim;
  return split.n ? split.x.length / split.n : 0;
}

/** Write the features of sample i of a split into out[offset, offset + D). */
export function copyRow(split: Split, i: number, out: Float32Array, offset: number): void {
  if (split.view) { split.view.copyRow(i, out, offset); return; }
  const D = featureCount(split);
  out.set(split.x.subarray(i * D, (i + 1) * D), offset);
}

/** Features of rows `idx` of a split, copied into one [B × D] array. */
export function rowsOf(split: Split, idx: ArrayLike<number>): Float32Array {
  const D = featureCount(split), out = new Float32Array(idx.length * D);
  for (let k = 0; k < idx.length; k++) copyRow(split, idx[k], out, k * D);
  return out;
}

/** A split that is a view: `x` is computed from `view` in full on first read, then kept. */
export function viewSplit(n: number, y: Int32Array, view: SplitView): Split {
  let x: Float32Array | undefined;
  const split: Split = {
    n, y, view,
    get x() { return (x ??= rowsOf(split, Array.from({ length: n }, (_, i) => i))); },
  };
  return split;
}

/** Gather rows `idx` of a split into tensors x [B, D] and y [B] (int32). */
export function gather(split: Split, idx: ArrayLike<number>): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const B = idx.length, yb = new Int32Array(B);
  for (let k = 0; k < B; k++) yb[k] = split.y[idx[k]];
  return { x: tf.tensor2d(rowsOf(split, idx), [B, featureCount(split)]), y: tf.tensor1d(yb, 'int32') };
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

/** Concatenate splits as a view, no features copied (joint training on a shared head mixes tasks inside a batch). */
export function concatSplits(splits: Split[]): Split {
  const starts = [0];
  for (const s of splits) starts.push(starts[starts.length - 1] + s.n);
  const n = starts[splits.length], y = new Int32Array(n);
  splits.forEach((s, k) => y.set(s.y, starts[k]));
  /** Sample i of the concatenation is sample i - starts[k] of source k. */
  const copyConcatRow = (i: number, out: Float32Array, offset: number) => {
    let k = 0;
    while (i >= starts[k + 1]) k++;
    copyRow(splits[k], i - starts[k], out, offset);
  };
  return viewSplit(n, y, { dim: splits.length ? featureCount(splits[0]) : 0, copyRow: copyConcatRow });
}
