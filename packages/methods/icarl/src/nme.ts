/**
 * iCaRL's classifier, nearest mean of exemplars — Rebuffi et al. 2017, arXiv 1611.07725, Alg. 1:
 *   μ_y = (1/|P_y|) Σ_{p ∈ P_y} φ(p)          per class y, over its exemplars P_y
 *   y* = argmin_y ‖φ(x) − μ_y‖
 * with φ(x) and the means L2-normalised (§2.1: "the results of any operation on feature vectors,
 * e.g. averages, are also re-normalized").
 */
import { tf } from '@clbench/core';

/** μ_y (Alg. 1) of `n` normalised feature rows [n, F], re-normalised (§2.1). */
export function exemplarMean(features: Float32Array, n: number, F: number): Float32Array {
  const mean = new Float64Array(F);
  for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) mean[f] += features[i * F + f] / n;
  let sq = 0;
  for (const v of mean) sq += v * v;
  const norm = Math.sqrt(sq);
  return Float32Array.from(mean, (v) => (norm > 0 ? v / norm : 0));
}

/** Alg. 1: the labels [N] (int32) of the nearest means to the normalised features [N, F];
 *  `means` [C, F] (normalised), `classes` [C] their labels. */
export function nearestMeanLabels(features: tf.Tensor2D, means: tf.Tensor2D, classes: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const norm = features.square().sum(1, true).sqrt().maximum(1e-12);
    const phi = features.div(norm);                                                   // φ(x) / ‖φ(x)‖ [N, F]
    const d2 = phi.square().sum(1, true)                                             // ‖φ(x) − μ_y‖² [N, C]
      .sub(tf.matMul(phi, means, false, true).mul(2))
      .add(means.square().sum(1).reshape([1, -1]));
    return tf.gather(classes, d2.argMin(1)) as tf.Tensor1D;                         // y* = argmin_y (Alg. 1)
  });
}
