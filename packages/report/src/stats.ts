/**
 * Sample statistics: mean, standard deviation (n − 1) and the half-width of the 95 %
 * Student-t confidence interval of the mean, t_{0.975, n−1} · s / √n.
 * One sample: std and CI are undefined (NaN); no samples: everything NaN.
 */

export interface Stat { n: number; mean: number; std: number; ci95: number }

// two-sided 95 % (0.975 one-sided) quantiles of Student's t for df = 1..30
const T975 = [12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281, 2.201, 2.1788, 2.1604, 2.1448, 2.1314,
  2.1199, 2.1098, 2.1009, 2.093, 2.086, 2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423];
const Z975 = 1.959963984540054;

export function tQuantile975(df: number): number {
  if (!(df >= 1) || !Number.isInteger(df)) return NaN;
  if (df <= 30) return T975[df - 1];
  // Cornish–Fisher expansion of t in powers of 1/df (Abramowitz & Stegun 26.7.5); error < 1e-5 for df > 30
  const z = Z975, z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

export function stat(xs: number[]): Stat {
  const n = xs.length;
  if (n === 0) return { n, mean: NaN, std: NaN, ci95: NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { n, mean, std: NaN, ci95: NaN };
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { n, mean, std, ci95: (tQuantile975(n - 1) * std) / Math.sqrt(n) };
}

/** The interval [mean − ci95, mean + ci95], or nulls where the CI is undefined (for chart data). */
export function ciBounds(s: Stat, scale = 1): { mean: number | null; lo: number | null; hi: number | null } {
  const ok = (x: number) => (Number.isFinite(x) ? x * scale : null);
  return { mean: ok(s.mean), lo: ok(s.mean - s.ci95), hi: ok(s.mean + s.ci95) };
}
