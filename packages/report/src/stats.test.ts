import { describe, expect, it } from 'vitest';
import { stat, tQuantile975 } from './stats.js';

describe('stat', () => {
  it('mean, sample std (n − 1) and Student-t CI half-width match a hand computation', () => {
    // xs = 1..4: mean 2.5, s² = (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5/3, t(0.975, 3) = 3.182446
    const s = stat([1, 2, 3, 4]);
    expect(s.n).toBe(4);
    expect(s.mean).toBeCloseTo(2.5, 12);
    expect(s.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(s.ci95).toBeCloseTo((3.182446 * Math.sqrt(5 / 3)) / 2, 3);
  });

  it('one sample: mean only, std and CI undefined (NaN); no samples: all NaN', () => {
    expect(stat([0.7])).toEqual({ n: 1, mean: 0.7, std: NaN, ci95: NaN });
    const e = stat([]);
    expect(e.n).toBe(0);
    expect([e.mean, e.std, e.ci95].every(Number.isNaN)).toBe(true);
  });

  it('identical samples give a zero-width CI', () => {
    expect(stat([3, 3, 3])).toEqual({ n: 3, mean: 3, std: 0, ci95: 0 });
  });
});

describe('tQuantile975', () => {
  it('matches published t quantiles (table for df ≤ 30, Cornish–Fisher beyond)', () => {
    // reference values: R qt(0.975, df)
    const ref: [number, number][] = [[1, 12.7062], [2, 4.302653], [9, 2.262157], [30, 2.042272], [31, 2.039513], [40, 2.021075], [60, 2.000298], [120, 1.979930], [1000, 1.962339]];
    for (const [df, t] of ref) expect(tQuantile975(df)).toBeCloseTo(t, 3);
  });

  it('is undefined for df < 1', () => {
    expect(tQuantile975(0)).toBeNaN();
  });
});
