/**
 * Anchors of the weight-elasticity penalties (L2, EWC, online EWC, SI, MAS): frozen
 * copies of parameters (θ*, importances) kept by name, and the quadratic form
 *   Σ_p Σ_i Ω_p,i · (θ_p,i − θ*_p,i)²
 * that each method scales by its own constant (λ/2 or λ or c — stated in its header).
 */
import { tf } from './backend.js';
import type { Param } from './network.js';

/** Tensors by parameter name, owned by whoever made them (dispose with disposeParamTensors). */
export type ParamTensors = Record<string, tf.Tensor>;

/** A kept copy of the parameters' current values. */
export function snapshot(params: Param[]): ParamTensors {
  return Object.fromEntries(params.map((p) => [p.name, tf.keep(p.variable.clone())]));
}

/** scale · Σ Ω (θ − θ*)² over `params` (Ω absent = 1): a θ-only scalar for ContinualMethod.penalty. */
export function quadraticPenalty(scale: number, params: Param[], anchor: ParamTensors, weight?: ParamTensors): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Scalar = tf.scalar(0);
    for (const { name, variable } of params) {
      const d2 = variable.sub(anchor[name]).square();            // (θ − θ*)², shaped like θ
      total = total.add((weight ? d2.mul(weight[name]) : d2).sum());
    }
    return total.mul(scale);
  });
}

/** Elementwise a·x + y per name, as new kept tensors (e.g. online EWC's F ← γF + F_new). */
export function axpy(a: number, x: ParamTensors, y: ParamTensors): ParamTensors {
  return Object.fromEntries(Object.keys(y).map((k) => [k, tf.keep(tf.tidy(() => (x[k] ? x[k].mul(a).add(y[k]) : y[k].clone())))]));
}

/** Mean of all entries (a diagnostic: importances must not be silently 0). */
export function meanOf(t: ParamTensors): number {
  let sum = 0, n = 0;
  for (const v of Object.values(t)) { sum += tf.tidy(() => v.sum().dataSync()[0]); n += v.size; }
  return n ? sum / n : 0;
}

export function disposeParamTensors(...ts: (ParamTensors | null | undefined)[]): void {
  for (const t of ts) if (t) for (const v of Object.values(t)) v.dispose();
}
