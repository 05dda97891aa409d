/** Every method's `extraSamplesPerStep` (the rows beyond the training batch a step passes forward
 *  and backward; the bench compares a method with naive stepping on as many rows) against the
 *  rows counted through the network in a real 2-task run: a second code path. */
import { initBackend, Network, Rng, trainContinual } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getMethod, methodNames } from './registry.js';

beforeAll(async () => { await initBackend('wasm'); });

const training = { optimizer: 'adam' as const, lr: 5e-3, epochs: 1, batchSize: 16, validationFraction: 0.1, budget: 'consolidation-extra' as const };
/** Settings where a replay method's memory holds more rows than it draws per step after task 1. */
const settings: Record<string, Record<string, unknown>> = {
  er: { memorySize: 40, replayBatchSize: 5 }, 'a-gem': { memorySize: 40, referenceBatchSize: 24 }, der: { memorySize: 40, replayBatchSize: 5 }, gdumb: { memorySize: 40, epochs: 2 },
};

describe('rows per step: declared vs counted through Network.forward in training mode', () => {
  const scenario = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'task', tasks: 2, classesPerTask: 2 },
    { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 60 });
  // joint trains task 2 on both tasks' data, gdumb on its memory only, icarl (class-incremental only) on
  // task 2's and its exemplars (icarl.test.ts counts them): their rows are not one task's batches
  for (const name of methodNames.filter((n) => n !== 'joint' && n !== 'gdumb' && n !== 'icarl')) {
    it(`${name}: task 2 passes n · (1 + consolidation epochs) + steps · extraSamplesPerStep rows`, async () => {
      const def = getMethod(name);
      const hp = def.hyperparameters.parse(settings[name] ?? {});
      let rows = 0;
      const forward = Network.prototype.forward;
      const spy = vi.spyOn(Network.prototype, 'forward').mockImplementation(function (this: Network, ...args: Parameters<Network['forward']>) {
        if (args[2]) rows += args[0].shape[0];                            // training passes only; evaluation is training = false
        return forward.apply(this, args);
      });
      const atTaskEnd: number[] = [];
      try {
        await trainContinual({ scenario, network: { layers: [{ type: 'dense', units: 8 }] }, training, method: def.create(hp), rng: new Rng(3), onTaskEnd: () => { atTaskEnd.push(rows); } });
      } finally { spy.mockRestore(); }
      const n = scenario.tasks[1].train.n, steps = Math.ceil(n / training.batchSize);
      const extra = def.extraSamplesPerStep?.(hp, training.batchSize) ?? 0;
      expect(scenario.tasks[0].train.n).toBeGreaterThan(40);               // a replay memory is full when task 2 starts
      expect(atTaskEnd[1] - atTaskEnd[0]).toBe(n * (1 + (def.consolidationEpochs?.(hp) ?? 0)) + steps * extra);
    });
  }

  it('gdumb: task 2 passes its memory (full: 40 rows) once per retraining epoch, and nothing of the task itself', async () => {
    let rows = 0;
    const forward = Network.prototype.forward;
    const spy = vi.spyOn(Network.prototype, 'forward').mockImplementation(function (this: Network, ...args: Parameters<Network['forward']>) {
      if (args[2]) rows += args[0].shape[0];
      return forward.apply(this, args);
    });
    const atTaskEnd: number[] = [];
    try {
      const def = getMethod('gdumb');
      await trainContinual({ scenario, network: { layers: [{ type: 'dense', units: 8 }] }, training, method: def.create(def.hyperparameters.parse(settings.gdumb)), rng: new Rng(3), onTaskEnd: () => { atTaskEnd.push(rows); } });
    } finally { spy.mockRestore(); }
    expect(atTaskEnd[1] - atTaskEnd[0]).toBe(2 * 40);
  });
});
