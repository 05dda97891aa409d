import { describe, expect, it } from 'vitest';
import { capacityForecastWarning, forecastCapacity } from './capacity.js';
import { FREE } from './units.js';

const F = FREE;

describe('CLNP capacity forecast on a hand-made owner map', () => {
  // after task 1, two tasks finished
  const owner = [
    Int32Array.from([0, 0, 0, 1, 1, F, F, F, F, F]), // 10 units: 5 owned (3 by task 0, 2 by task 1), 5 free
    Int32Array.from([0, 1, 1, 1]),                   // 4 units, full
    Int32Array.from([F, F, F]),                      // tasks take nothing here
  ];

  it('per layer: free units, units the task took, mean units per task and the tasks that still fit', () => {
    expect(forecastCapacity(owner, 1, 2)).toEqual([
      { layer: 0, units: 10, free: 5, taken: 2, meanTaken: 2.5, tasksThatFit: 2 },  // floor(5 / 2.5)
      { layer: 1, units: 4, free: 0, taken: 3, meanTaken: 2, tasksThatFit: 0 },
      { layer: 2, units: 3, free: 3, taken: 0, meanTaken: 0, tasksThatFit: null },  // no size to forecast from
    ]);
  });

  it('warns in one line naming each layer that cannot hold the remaining tasks; silent when they fit', () => {
    const forecast = forecastCapacity(owner, 1, 2);
    expect(capacityForecastWarning(forecast, 1, 3)).toBe('clnp: after task 1, the 3 remaining tasks may not fit at this sparsity (forecast at the mean size so far; later tasks often take fewer units): '
      + 'layer 0 has 5 of 10 units free and tasks have taken 2.5 each, room for 2; layer 1 has 0 of 4 units free and tasks have taken 2.0 each, room for 0 '
      + '(a stronger alpha or a larger margin frees more units)');
    expect(capacityForecastWarning(forecast, 1, 1)).toMatch(/^clnp: after task 1, the 1 remaining task may not fit at this sparsity \(forecast at the mean size so far; later tasks often take fewer units\): layer 1 has 0 of 4/);
    expect(capacityForecastWarning(forecastCapacity([owner[0], owner[2]], 1, 2), 1, 2)).toBeNull();   // room for 2, 2 remain
    expect(capacityForecastWarning(forecastCapacity(owner, 1, 2), 1, 0)).toBeNull();                   // the last task
  });
});
