import { describe, expect, it } from 'vitest';
import { expandMethodEntry, gridPoints } from './grid.js';

describe('hyper-parameter grids', () => {
  it('expands list-valued fields into their cartesian product, first field slowest', () => {
    expect(gridPoints({ a: [1, 2], b: 'x', c: [true, false] })).toEqual([
      { a: 1, b: 'x', c: true }, { a: 1, b: 'x', c: false }, { a: 2, b: 'x', c: true }, { a: 2, b: 'x', c: false },
    ]);
    expect(() => gridPoints({ a: [] })).toThrow('hyperparameters.a: an empty list gives no runs');
  });

  // A stand-in for a method schema: `lambda` is a number, `grid` is a list of numbers.
  const resolve = (hp: Record<string, unknown>) => {
    if (typeof (hp.lambda ?? 1) !== 'number') throw new Error('methods[0].hyperparameters.lambda: expected number');
    return { lambda: 1, grid: [0.1], ...hp };
  };

  it('keeps entries that are valid as written (a list-typed field is not a grid) and labels grid points', () => {
    expect(expandMethodEntry({ name: 'm', hyperparameters: { grid: [0.5, 0.6] } }, resolve)).toEqual([
      { name: 'm', hyperparameters: { lambda: 1, grid: [0.5, 0.6] } },
    ]);
    expect(expandMethodEntry({ name: 'm', label: 'M', hyperparameters: { lambda: [10, 100] } }, resolve)).toEqual([
      { name: 'm', label: 'M[lambda=10]', hyperparameters: { lambda: 10, grid: [0.1] } },
      { name: 'm', label: 'M[lambda=100]', hyperparameters: { lambda: 100, grid: [0.1] } },
    ]);
    expect(() => expandMethodEntry({ name: 'm', hyperparameters: { lambda: 'big' } }, resolve)).toThrow('lambda: expected number');
    expect(() => expandMethodEntry({ name: 'm', hyperparameters: { lambda: [1, 'x'] } }, resolve)).toThrow('lambda: expected number');
  });
});
