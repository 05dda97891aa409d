/**
 * CLNP §3 "activity-based pruning" and "graceful forgetting": measure each candidate
 * unit's mean ReLU activity on the task's validation split (conv: averaged over positions
 * too), then choose the largest threshold θ on the grid whose pruned network keeps
 * validation accuracy within a margin m of the unpruned one. A unit u of layer l is
 * pruned at θ when activity[u] < θ · max(activity of layer l's candidates): thresholds are
 * relative to each layer's most active candidate, so one grid serves every layer.
 */
import { forEachBatch, tf, type Network, type Split } from '@clbench/core';

/** Mean activity of every unit of every hidden layer over a split, evaluated with `head`. */
export function meanActivity(net: Network, split: Split, head: number, batchSize = 500): Float32Array[] {
  const sums = net.layers.map((l) => new Float64Array(l.units));
  forEachBatch(split, batchSize, (x) => {
    const per = tf.tidy(() => net.forward(x, head).activations.map((a) => {
      const axes = a.rank === 4 ? [0, 1, 2] : [0];       // dense [N, U]; conv [N, H, W, U]
      return a.mean(axes).mul(x.shape[0]) as tf.Tensor1D; // batch-weighted sum of per-sample means
    }));
    per.forEach((t, l) => { const d = t.dataSync(); for (let u = 0; u < d.length; u++) sums[l][u] += d[u]; t.dispose(); });
  });
  return sums.map((s) => Float32Array.from(s, (v) => v / Math.max(split.n, 1)));
}

/** Keep-masks for threshold θ: candidates below θ·max are pruned; non-candidates are kept. */
export function keepMasks(activity: Float32Array[], candidate: (l: number, u: number) => boolean, theta: number): Uint8Array[] {
  return activity.map((act, l) => {
    let max = 0;
    act.forEach((a, u) => { if (candidate(l, u) && a > max) max = a; });
    return Uint8Array.from(act, (a, u) => (!candidate(l, u) || (a >= theta * max && a > 0) ? 1 : 0));
  });
}

export interface ThresholdChoice { theta: number; accuracy: number; tried: { theta: number; accuracy: number }[] }

/**
 * Graceful forgetting: the largest θ on the grid with accuracy(θ) ≥ unpruned − margin.
 * Every grid value is evaluated (accuracy need not be monotone in θ); θ = 0 prunes only
 * dead units (activity exactly 0), which never changes the output, so it is always admissible.
 */
export function chooseThreshold(grid: number[], accuracyAt: (theta: number) => number, unpruned: number, margin: number): ThresholdChoice {
  const tried = [...grid].sort((a, b) => a - b).map((theta) => ({ theta, accuracy: accuracyAt(theta) }));
  const admissible = tried.filter((t) => t.accuracy >= unpruned - margin);
  const best = admissible.length ? admissible[admissible.length - 1] : { theta: 0, accuracy: accuracyAt(0) };
  return { ...best, tried };
}

/** Evaluate `fn` with the given units silenced (unit masks), then clear the masks. */
export function withUnitMasks<T>(net: Network, keep: Uint8Array[], fn: () => T): T {
  net.layers.forEach((layer, l) => { layer.unitMask?.dispose(); layer.unitMask = tf.keep(tf.tensor1d(Float32Array.from(keep[l]))); });
  try { return fn(); } finally { net.clearUnitMasks(); }
}
