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
  const m = computeMetrics(R, b);
  it('ACC is the mean of the last row', () => expect(m.acc).toBeCloseTo((0.6 + 0.75 + 0.95) / 3, 12));
  it('BWT averages R[T-1][j] - R[j][j] over j < T-1 only', () => expect(m.bwt).toBeCloseTo(((0.6 - 0.9) + (0.75 - 0.8)) / 2, 12));
  it('forgetting takes the max over rows i < T-1 (not the diagonal only)', () => {
    // task 0: max(0.9, 0.7) - 0.6 = 0.3; task 1: max(0.1, 0.8) - 0.75 = 0.05
    expect(m.forgetting).toBeCloseTo((0.3 + 0.05) / 2, 12);
  });
  it('FWT uses R[j-1][j] against the random-init accuracy b_j for j > 0', () => expect(m.fwt).toBeCloseTo(((0.1 - 0.4) + (0.3 - 0.1)) / 2, 12));
  it('learning curve averages the tasks seen so far', () => expect(m.learningCurve.map((x) => +x.toFixed(10))).toEqual([0.9, 0.75, +((0.6 + 0.75 + 0.95) / 3).toFixed(10)]));
});

describe('computeMetrics edge cases', () => {
  it('one task: BWT, forgetting and FWT are 0', () => {
    expect(computeMetrics([[0.8]], [0.5])).toEqual({ acc: 0.8, bwt: 0, fwt: 0, forgetting: 0, learningCurve: [0.8] });
  });
  it('forgetting is off-by-one safe: the last row never counts as its own maximum', () => {
    // accuracy on task 0 *rises* at the end: forgetting is negative, not clipped to 0
    expect(computeMetrics([[0.5, 0], [0.9, 0.9]], [0, 0]).forgetting).toBeCloseTo(-0.4, 12);
  });
  it('rejects a non-square matrix', () => expect(() => computeMetrics([[1, 2]], [0])).toThrow(/T×T/));
});
