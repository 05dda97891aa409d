import { describe, expect, it } from 'vitest';
import { computeMetrics } from './metrics.js';

// R[i][j] = accuracy on task j after training task i.
const R = [
  [0.9, 0.1, 0.2],
  [0.7, 0.8, 0.3],
  [0.6, 0.75, 0.95],
];
const b = [0.5, 0.4, 0.1];

describe('computeMetrics on a hand-made 3×3 matrix', () => {
  const m = computeMetrics(R, b, { sharedHead: true });
  it('ACC is the mean of the last row', () => expect(m.acc).toBeCloseTo((0.6 + 0.75 + 0.95) / 3, 12));
  it('BWT averages R[T-1][j] - R[j][j] over j < T-1 only', () => expect(m.bwt).toBeCloseTo(((0.6 - 0.9) + (0.75 - 0.8)) / 2, 12));
  it('forgetting takes the max over rows j ≤ i < T-1 (not the diagonal only)', () => {
    // task 0: max(0.9, 0.7) - 0.6 = 0.3; task 1: max(0.8) - 0.75 = 0.05 (row 0 is before task 1 was learned)
    expect(m.forgetting).toBeCloseTo((0.3 + 0.05) / 2, 12);
  });
  it('FWT uses R[j-1][j] against the random-init accuracy b_j for j > 0', () => expect(m.fwt).toBeCloseTo(((0.1 - 0.4) + (0.3 - 0.1)) / 2, 12));
  it('learning curve averages the tasks seen so far', () => expect(m.learningCurve.map((x) => +x.toFixed(10))).toEqual([0.9, 0.75, +((0.6 + 0.75 + 0.95) / 3).toFixed(10)]));
});

describe('forgetting counts only rows after the task was learned (Chaudhry et al. 2018)', () => {
  it('a task that scores high by chance before it is trained is not "forgotten"', () => {
    // task 1 reads 0.99 through the untrained network after task 0, is learned to 0.7, stays 0.7
    const M = [
      [0.9, 0.99, 0.5],
      [0.9, 0.7, 0.5],
      [0.9, 0.7, 0.9],
    ];
    // task 0: max(0.9, 0.9) - 0.9 = 0; task 1: max(0.7) - 0.7 = 0. Over all rows i < T-1 it would be (0 + 0.29) / 2.
    expect(computeMetrics(M, [0.5, 0.5, 0.5], { sharedHead: true }).forgetting).toBe(0);
  });
  it('4×4: the max runs over i ∈ [j, T-2] per task', () => {
    const M = [
      [0.8, 0.9, 0.9, 0.0],
      [0.6, 0.5, 0.9, 0.0],
      [0.7, 0.4, 0.3, 0.0],
      [0.5, 0.45, 0.25, 0.9],
    ];
    // task 0: max(0.8, 0.6, 0.7) - 0.5 = 0.3; task 1: max(0.5, 0.4) - 0.45 = 0.05; task 2: max(0.3) - 0.25 = 0.05
    expect(computeMetrics(M, [0, 0, 0, 0], { sharedHead: true }).forgetting).toBeCloseTo((0.3 + 0.05 + 0.05) / 3, 12);
  });
});

describe('FWT is undefined with one head per task', () => {
  it('is null for multi-head runs, whatever R[j-1][j] reads', () => {
    expect(computeMetrics(R, b, { sharedHead: false }).fwt).toBeNull();
    // the other metrics do not depend on the head layout
    const { fwt: _shared, ...rest } = computeMetrics(R, b, { sharedHead: true });
    const { fwt: _multi, ...restMulti } = computeMetrics(R, b, { sharedHead: false });
    expect(restMulti).toEqual(rest);
  });
});

describe('computeMetrics edge cases', () => {
  it('one task: BWT, forgetting and FWT are 0', () => {
    expect(computeMetrics([[0.8]], [0.5], { sharedHead: true })).toEqual({ acc: 0.8, bwt: 0, fwt: 0, forgetting: 0, learningCurve: [0.8] });
  });
  it('forgetting is off-by-one safe: the last row never counts as its own maximum', () => {
    // accuracy on task 0 *rises* at the end: forgetting is negative, not clipped to 0
    expect(computeMetrics([[0.5, 0], [0.9, 0.9]], [0, 0], { sharedHead: true }).forgetting).toBeCloseTo(-0.4, 12);
  });
  it('rejects a non-square matrix', () => expect(() => computeMetrics([[1, 2]], [0], { sharedHead: true })).toThrow(/T×T/));
});
