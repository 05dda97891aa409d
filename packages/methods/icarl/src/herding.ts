/**
 * iCaRL's exemplar selection by herding — Rebuffi et al. 2017, arXiv 1611.07725, Alg. 4
 * (ConstructExemplarSet), on features φ that are L2-normalised (§2.1, "all feature vectors are
 * L2-normalized"):
 *   μ ← (1/n) Σ_x φ(x)                                                  the class mean
 *   for k = 1..m:  p_k ← argmin_x ‖μ − (1/k)[φ(x) + Σ_{j<k} φ(p_j)]‖      the sample whose addition
 *                                                                       brings the exemplar mean closest to μ
 * A sample is chosen at most once (P is a set of distinct samples; as in Mammoth's icarl); ties go
 * to the lowest index. With S = Σ_{j<k} φ(p_j):
 *   k²·‖μ − (S + φ(x))/k‖² = ‖kμ − S‖² − [2 (kμ − S)·φ(x) − ‖φ(x)‖²]
 * so the argmin is the argmax of 2 (kμ − S)·φ(x) − ‖φ(x)‖²: one product per candidate per step.
 */

/** Rows of `features` [n, F] (row-major) scaled to unit L2 norm, in place; an all-zero row stays 0. */
export function l2NormaliseRows(features: Float32Array, n: number, F: number): Float32Array {
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let f = 0; f < F; f++) sq += features[i * F + f] ** 2;
    const norm = Math.sqrt(sq);
    if (norm > 0) for (let f = 0; f < F; f++) features[i * F + f] /= norm;   // φ(x) / ‖φ(x)‖, §2.1
  }
  return features;
}

/** Alg. 4: the indices (into the n rows of `features` [n, F], already normalised) of min(m, n)
 *  exemplars, in the order herding picks them (the priority Alg. 5 truncates by). */
export function herdingSelection(features: Float32Array, n: number, F: number, m: number): Int32Array {
  const mu = new Float64Array(F), S = new Float64Array(F), w = new Float64Array(F), sq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < F; f++) { mu[f] += features[i * F + f] / n; sq[i] += features[i * F + f] ** 2; }  // μ = (1/n) Σ φ(x)
  }
  const chosen = new Uint8Array(n), order = new Int32Array(Math.min(m, n));
  for (let k = 1; k <= order.length; k++) {
    for (let f = 0; f < F; f++) w[f] = k * mu[f] - S[f];                                   // kμ − Σ_{j<k} φ(p_j)
    let best = -1, bestScore = -Infinity;
    for (let i = 0; i < n; i++) {
      if (chosen[i]) continue;
      let dot = 0;
      for (let f = 0; f < F; f++) dot += w[f] * features[i * F + f];
      const score = 2 * dot - sq[i];                                                      // = ‖kμ − S‖² − k²·‖μ − (S + φ(x))/k‖²
      if (score > bestScore) { best = i; bestScore = score; }
    }
    chosen[best] = 1;
    order[k - 1] = best;                                                                  // p_k
    for (let f = 0; f < F; f++) S[f] += features[best * F + f];
  }
  return order;
}
