/**
 * CLNP §3 "activity-based pruning" and "graceful forgetting": measure each candidate
 * unit's mean ReLU activity on the task's validation split (conv: averaged over positions
 * too), then choose the largest threshold θ on the grid whose pruned network keeps
 * validation accuracy within a margin m of the unpruned one. A unit u of layer l is
 * pruned at θ when activity[u] < θ · max(activity of layer l's candidates): thresholds are
 * relative to each layer's most active candidate, so one grid serves every layer.
 */
import { forEachBatch, tf, type Network, type Split } from '@clbench/core';

/** A threshold above 1: a ≥ θ·max cannot hold, so every candidate of the layer is pruned (capacity is left for later tasks). */
export const PRUNE_ALL = 1.01;

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

/** Keep-masks for thresholds θ_l (one per layer): candidates below θ_l·max_l are pruned; non-candidates are kept. */
export function keepMasks(activity: Float32Array[], candidate: (l: number, u: number) => boolean, thetas: number[]): Uint8Array[] {
  return activity.map((act, l) => {
    let max = 0;
    act.forEach((a, u) => { if (candidate(l, u) && a > max) max = a; });
    return Uint8Array.from(act, (a, u) => (!candidate(l, u) || (a >= thetas[l] * max && a > 0) ? 1 : 0));
  });
}

export interface ThresholdChoice { thetas: number[]; accuracy: number; evaluations: number }

/**
 * Graceful forgetting: the largest thresholds on the grid whose pruned network keeps
 * validation accuracy ≥ unpruned − m.
 *  - 'global': one θ for every layer, the largest admissible grid value (every value is
 *    tried: accuracy need not be monotone in θ);
 *  - 'per-layer': greedy coordinate ascent — one grid step at a time, raise the θ of the
 *    layer that keeps the largest fraction of its candidates (`keptFraction`) if the whole
 *    pruned network stays admissible, else try the next layer; stop when no layer can rise.
 *    The margin is thus spent where capacity is scarce. Layers differ in how much they can lose (on permuted MNIST
 *    the first layer prunes to ~25 % at a θ where the second keeps ~80 %).
 * θ = 0 prunes only dead units (activity exactly 0), which never changes the output, so the
 * start point is always admissible.
 */
export function chooseThresholds(grid: number[], layers: number, accuracyAt: (thetas: number[]) => number, unpruned: number, margin: number,
  mode: 'global' | 'per-layer', keptFraction: (layer: number, theta: number) => number = () => 0): ThresholdChoice {
  const g = [...new Set([0, ...grid])].sort((a, b) => a - b);
  const ok = (acc: number) => acc >= unpruned - margin;
  let evaluations = 0;
  const evalAt = (t: number[]) => { evaluations++; return accuracyAt(t); };
  if (mode === 'global') {
    let best = { thetas: Array(layers).fill(0), accuracy: evalAt(Array(layers).fill(0)) };
    for (const theta of g.slice(1)) {
      const thetas = Array(layers).fill(theta), accuracy = evalAt(thetas);
      if (ok(accuracy)) best = { thetas, accuracy };
    }
    return { ...best, evaluations };
  }
  const idx = Array(layers).fill(0);
  let accuracy = evalAt(idx.map((i) => g[i]));
  const blocked = new Set<number>(); // layers whose next step is inadmissible at the current thetas
  for (;;) {
    const order = [...idx.keys()].filter((l) => idx[l] + 1 < g.length && !blocked.has(l))
      .sort((a, b) => keptFraction(b, g[idx[b]]) - keptFraction(a, g[idx[a]]) || a - b);
    if (!order.length) break;
    const l = order[0], trial = idx.map((i, k) => g[k === l ? i + 1 : i]), acc = evalAt(trial);
    if (ok(acc)) { idx[l]++; accuracy = acc; blocked.clear(); } else blocked.add(l);
  }
  return { thetas: idx.map((i) => g[i]), accuracy, evaluations };
}

/** Evaluate `fn` with the given units silenced (unit masks), then clear the masks. */
export function withUnitMasks<T>(net: Network, keep: Uint8Array[], fn: () => T): T {
  net.layers.forEach((layer, l) => { layer.unitMask?.dispose(); layer.unitMask = tf.keep(tf.tensor1d(Float32Array.from(keep[l]))); });
  try { return fn(); } finally { net.clearUnitMasks(); }
}
