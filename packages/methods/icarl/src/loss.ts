/**
 * iCaRL's representation loss — Rebuffi et al. 2017, arXiv 1611.07725, Alg. 3 (UpdateRepresentation):
 *   q_i^y = g_y(x_i) of the previous network            for the old classes y = 1..s−1 (distillation)
 *   ℓ(Θ) = −Σ_i [ Σ_{y=s..t} δ_{y=y_i} log g_y(x_i) + δ_{y≠y_i} log(1 − g_y(x_i))
 *               + Σ_{y=1..s−1} q_i^y log g_y(x_i) + (1 − q_i^y) log(1 − g_y(x_i)) ]
 * with g_y = σ(z_y), one sigmoid per class (binary cross-entropy, not a softmax), over the classes
 * seen so far only (the network has outputs for classes 1..t only). Here the sum over samples is a
 * mean over the batch (as the trainer's cross-entropy), the sum over classes stays a sum.
 */
import { tf } from '@clbench/core';

/** Alg. 3's targets [N, S] over the seen classes: δ_{y=y_i} (`labels`, one-hot [N, S]) for the new
 *  classes, σ(previous network's logits) for the old ones (`isOld` [S], 1 = old); no old logits = first task. */
export function icarlTargets(labels: tf.Tensor2D, oldLogits: tf.Tensor2D | null, isOld: tf.Tensor1D): tf.Tensor2D {
  if (!oldLogits) return labels;
  return oldLogits.sigmoid().mul(isOld).add(labels.mul(tf.scalar(1).sub(isOld))) as tf.Tensor2D;  // q_i^y (old), δ_{y=y_i} (new)
}

/** ℓ(Θ) of Alg. 3 per sample, averaged over the batch: −(1/N) Σ_i Σ_y [q log σ(z) + (1 − q) log(1 − σ(z))],
 *  z [N, S] the seen classes' logits, q [N, S] the targets (constants). */
export function icarlLoss(z: tf.Tensor2D, q: tf.Tensor2D): tf.Scalar {
  const perElement = tf.losses.sigmoidCrossEntropy(q, z, undefined, 0, tf.Reduction.NONE);  // max(z, 0) − z·q + log(1 + e^−|z|)
  return perElement.sum(1).mean() as tf.Scalar;
}
