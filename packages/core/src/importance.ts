/**
 * Per-sample gradient statistics: the one batch-iterating helper of the consolidation
 * passes (EWC's Fisher, MAS's Ω). For a per-sample objective o_nc (column c of sample n,
 * depending on sample n only) and weights w_nc it returns, for each requested parameter,
 *     I(θ) = 1/N · Σ_n Σ_c w_nc · φ(∂o_nc/∂θ),      φ = square (Fisher) or abs (MAS).
 * Dense networks take a batched path: a dense layer's per-sample gradient is the outer
 * product a_n ⊗ δ_n (a = layer input, δ = error at its pre-activation, read from zero
 * "probes" added to the pre-activations), and φ(a ⊗ δ) = φ(a) ⊗ φ(δ), so
 *     Σ_n φ(∂o_n/∂W) = φ(A)ᵀ · φ(Δ)   [in, N]·[N, units]
 * — one backward pass per column for the whole batch (Goodfellow 2015, arXiv 1510.01799).
 * Anything else (conv layers) loops: one backward pass per sample and column.
 * Always evaluation mode (no dropout).
 */
import { tf } from './backend.js';
import { forEachBatch, rowsOf } from './batches.js';
import type { Network, Param } from './network.js';
import type { Rng } from './rng.js';
import type { Split } from './task.js';

export type Reduce = 'square' | 'abs';

/** What a consolidation pass differentiates, built per batch from its eval-mode logits. */
export interface PerSampleTerm {
  columns: number;
  /** Per-sample objectives [N, columns] from logits [N, K]; row n depends on sample n only. */
  objective(logits: tf.Tensor2D): tf.Tensor2D;
  /** Weight of each column per sample [N, columns] (not differentiated); default 1. */
  weights?: tf.Tensor2D;
}

export interface ImportanceOptions {
  head: number;
  /** Parameters to return importances for (e.g. net.sharedParams()). */
  params: Param[];
  reduce: Reduce;
  term(logits: tf.Tensor2D, y: tf.Tensor1D): PerSampleTerm;
  /** Use at most this many samples: a random subset drawn with `rng`; default all. */
  samples?: number;
  rng?: Rng;
  batchSize?: number;
  /** 'loop' forces one backward pass per sample (the reference path). */
  mode?: 'auto' | 'loop';
}

export interface Importance {
  /** Mean statistic per parameter name, shaped like the parameter (caller disposes). */
  values: Record<string, tf.Tensor>;
  samples: number;
  seconds: number;
  /** How per-sample gradients were obtained: batched outer products (dense) or one pass per sample. */
  path: 'batched' | 'loop';
}

export function perSampleImportance(net: Network, split: Split, opts: ImportanceOptions): Importance {
  const t0 = performance.now();
  const data = sampleSplit(split, opts.samples, opts.rng);
  const batched = opts.mode !== 'loop' && net.layers.every((l) => l.kind === 'dense');
  const sums: Record<string, tf.Tensor> = {};
  forEachBatch(data, opts.batchSize ?? 256, (x, y) => {
    const stats = tf.tidy(() => (batched ? batchedStats(net, x, y, opts) : loopStats(net, x, y, opts)));
    for (const [k, v] of Object.entries(stats)) {
      const prev = sums[k];
      sums[k] = prev ? tf.tidy(() => prev.add(v)) : v;
      if (prev) { prev.dispose(); v.dispose(); }
    }
  });
  const values: Record<string, tf.Tensor> = {};
  for (const p of opts.params) {
    values[p.name] = tf.tidy(() => (sums[p.name] ? sums[p.name].div(Math.max(data.n, 1)) : tf.zerosLike(p.variable)));
  }
  for (const v of Object.values(sums)) v.dispose();
  return { values, samples: data.n, seconds: (performance.now() - t0) / 1000, path: batched ? 'batched' : 'loop' };
}

/** At most `n` samples of a split: all of it, or a random subset (kept in index order). */
export function sampleSplit(split: Split, n: number | undefined, rng: Rng | undefined): Split {
  if (n === undefined || n >= split.n) return split;
  if (!rng) throw new Error('sampleSplit: a random subset needs an rng');
  const idx = rng.permutation(split.n).subarray(0, n).sort();
  return { x: rowsOf(split, idx), y: Int32Array.from(idx, (i) => split.y[i]), n };
}

const phiOf = (reduce: Reduce) => (t: tf.Tensor) => (reduce === 'square' ? t.square() : t.abs());

/** Batched path (dense layers): Σ_n Σ_c w_nc φ(a_n ⊗ δ_nc) per parameter. */
function batchedStats(net: Network, x: tf.Tensor2D, y: tf.Tensor1D, opts: ImportanceOptions): Record<string, tf.Tensor> {
  const phi = phiOf(opts.reduce), N = x.shape[0], L = net.layers.length;
  const { logits, activations } = net.forward(x, opts.head, false);
  const inputs: tf.Tensor[] = [x, ...activations];                    // inputs[l] feeds layer l; inputs[L] the head
  const term = opts.term(logits, y);
  const shapes = [...net.layers.map((l) => [N, l.units]), [N, logits.shape[1]]];
  const D = shapes.map((s) => tf.zeros(s));                            // Σ_c w_c φ(δ_c), [N, units] per layer
  for (let c = 0; c < term.columns; c++) {
    const deltas = tf.grads((...probes: tf.Tensor[]) =>
      term.objective(net.forward(x, opts.head, false, probes).logits).slice([0, c], [N, 1]).sum())(shapes.map((s) => tf.zeros(s)));
    deltas.forEach((d, l) => {
      const v = term.weights ? phi(d).mul(term.weights.slice([0, c], [N, 1])) : phi(d);
      D[l] = D[l].add(v);
    });
  }
  const wanted = new Set(opts.params.map((p) => p.name)), out: Record<string, tf.Tensor> = {};
  const put = (name: string, l: number, mask?: tf.Tensor) => {
    if (wanted.has(`${name}.W`)) {
      const s = tf.matMul(phi(inputs[l]) as tf.Tensor2D, D[l] as tf.Tensor2D, true, false); // [in, units]
      out[`${name}.W`] = mask ? s.mul(mask) : s;
    }
    if (wanted.has(`${name}.b`)) out[`${name}.b`] = D[l].sum(0);
  };
  net.layers.forEach((layer, l) => put(layer.name, l, layer.headWeightMasks.get(opts.head)));
  put(`head${opts.head}`, L);
  return out;
}

/** Reference path: one backward pass per sample and column. */
function loopStats(net: Network, x: tf.Tensor2D, y: tf.Tensor1D, opts: ImportanceOptions): Record<string, tf.Tensor> {
  const phi = phiOf(opts.reduce), vars = opts.params.map((p) => p.variable), out: Record<string, tf.Tensor> = {};
  for (let n = 0; n < x.shape[0]; n++) {
    const xn = x.slice([n, 0], [1, -1]), yn = y.slice([n], [1]);
    const term = opts.term(net.forward(xn, opts.head, false).logits, yn);
    for (let c = 0; c < term.columns; c++) {
      const { grads } = tf.variableGrads(() => term.objective(net.forward(xn, opts.head, false).logits).slice([0, c], [1, 1]).sum() as tf.Scalar, vars);
      for (const p of opts.params) {
        const g = grads[p.variable.name];
        if (!g) continue;
        const v = term.weights ? phi(g).mul(term.weights.slice([0, c], [1, 1]).reshape([])) : phi(g);
        out[p.name] = out[p.name] ? out[p.name].add(v) : v;
      }
    }
  }
  return out;
}

export type FisherVariant = 'exact' | 'empirical' | 'sampled' | 'argmax';

/**
 * Diagonal Fisher information of the model's predictive distribution p(y|x) (EWC,
 * Kirkpatrick et al. 2017, arXiv 1612.00796), per sample:
 *   exact:      Σ_c p_c · (∂log p_c/∂θ)²   (expectation over the model's prediction)
 *   empirical:  (∂log p_y/∂θ)²             (y = the true label)
 *   sampled:    (∂log p_ŷ/∂θ)²,  ŷ ~ p     (one label drawn with `rng`)
 *   argmax:     (∂log p_ŷ/∂θ)²,  ŷ = argmax_c p_c   (the model's prediction: Hsu et al. 2018's code,
 *               GT-RIPL/Continual-Learning-Benchmark agents/regularization.py, `pred.max(1)[1]`)
 */
export function fisherDiagonal(net: Network, split: Split, opts: Omit<ImportanceOptions, 'reduce' | 'term'> & { variant: FisherVariant }): Importance {
  const { variant, rng } = opts;
  if (variant === 'sampled' && !rng) throw new Error('fisherDiagonal: the "sampled" variant needs an rng');
  const term = (logits: tf.Tensor2D, y: tf.Tensor1D): PerSampleTerm => {
    const K = logits.shape[1];
    if (variant === 'exact') return { columns: K, objective: (l) => tf.logSoftmax(l), weights: tf.softmax(logits) };
    const labels = variant === 'empirical' ? y : variant === 'argmax' ? logits.argMax(1) as tf.Tensor1D : drawLabels(tf.softmax(logits), rng!);
    const onehot = tf.oneHot(labels, K);
    return { columns: 1, objective: (l) => tf.logSoftmax(l).mul(onehot).sum(1, true) as tf.Tensor2D };
  };
  return perSampleImportance(net, split, { ...opts, reduce: 'square', term });
}

/** One label per row drawn from the probabilities p [N, K]. */
function drawLabels(p: tf.Tensor2D, rng: Rng): tf.Tensor1D {
  const [N, K] = p.shape, probs = p.dataSync(), out = new Int32Array(N);
  for (let n = 0; n < N; n++) {
    let u = rng.next(), c = 0;
    while (c < K - 1 && (u -= probs[n * K + c]) >= 0) c++;
    out[n] = c;
  }
  return tf.tensor1d(out, 'int32');
}
