/**
 * Continual-learning metrics from the accuracy matrix R (docs/design.md, "Metrics").
 * R[i][j] = test accuracy on task j after training task i, i and j from 0; T tasks.
 *   ACC        = mean_j R[T-1][j]
 *   BWT        = mean_{j<T-1} (R[T-1][j] - R[j][j])                  (Lopez-Paz & Ranzato 2017)
 *   forgetting = mean_{j<T-1} (max_{j≤i≤T-2} R[i][j] - R[T-1][j])    (Chaudhry et al. 2018, arXiv 1801.10112,
 *                eq. 9 as usually implemented: only rows after task j was learned)
 *   FWT        = mean_{j>0} (R[j-1][j] - b_j), b_j = random-init accuracy on task j
 * FWT is defined only with a shared head (domain/class-incremental): with one head per task,
 * R[j-1][j] reads task j's head before it was ever trained — noise, not transfer — so FWT is
 * null there (Lopez-Paz & Ranzato define it for a single output space).
 * With one task BWT, forgetting and FWT are 0 (no pairs to average).
 */
import type { Metrics } from './schemas/result.js';

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export interface MetricsOptions {
  /** true when every task is evaluated through one shared head (domain/class-incremental) */
  sharedHead: boolean;
}

export function computeMetrics(R: number[][], b: number[], opts: MetricsOptions): Metrics {
  const T = R.length;
  if (T === 0 || R.some((row) => row.length !== T)) throw new Error(`accuracy matrix must be T×T, got ${T} rows of lengths ${R.map((r) => r.length).join(',')}`);
  if (b.length !== T) throw new Error(`random-init accuracies: expected ${T}, got ${b.length}`);
  const last = R[T - 1];
  const old = [...Array(T - 1).keys()];
  return {
    acc: mean(last),
    bwt: mean(old.map((j) => last[j] - R[j][j])),
    forgetting: mean(old.map((j) => Math.max(...R.slice(j, T - 1).map((row) => row[j])) - last[j])),
    fwt: opts.sharedHead ? mean([...Array(T).keys()].slice(1).map((j) => R[j - 1][j] - b[j])) : null,
    learningCurve: R.map((row, i) => mean(row.slice(0, i + 1))),
  };
}
