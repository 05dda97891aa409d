import { initBackend, Rng, trainContinual, type TrainResult } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import type { ClnpTaskDiagnostics } from '@clbench/method-clnp';
import { getMethod } from '@clbench/methods';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { clnpTaskDiagnostics, isClnpTaskDiagnostics, type ClnpTaskDiagnosticsShape } from './clnp-diagnostics.js';
import { typeErrors } from './test-util.js';

// Compile-time (checked by the type-check test below): the shape validated here and clnp's own
// ClnpTaskDiagnostics are the same type, so a change to clnp's diagnostics breaks this file.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const sameShape: Same<ClnpTaskDiagnostics, ClnpTaskDiagnosticsShape> = true;

/** Train CLNP (or naive) on 2 tasks of split MNIST, 100 digits per class, 2×16 units. */
async function tinyRun(method: 'clnp' | 'naive'): Promise<TrainResult> {
  const scenario = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'task', tasks: 2, classesPerTask: 2 }, { seed: 0, ordering: [], validationFraction: 0.15, image: false, limit: 100 });
  const def = getMethod(method);
  return trainContinual({
    scenario, network: { layers: [{ type: 'dense', units: 16 }, { type: 'dense', units: 16 }] },
    training: { optimizer: 'adam', lr: 2e-3, epochs: 1, batchSize: 32, validationFraction: 0.15, budget: 'consolidation-extra' }, method: def.create(def.hyperparameters.parse({})), rng: new Rng(0),
  });
}

const valid = (): ClnpTaskDiagnosticsShape => ({
  task: 0, thresholds: [0.1, 0.2], searchSeconds: 0.5, searchEvaluations: 7, valAccUnpruned: 0.99, valAccPruned: 0.985, valAccFinal: 0.99, testAccUnpruned: 0.98,
  fullLayers: [], reuseSeconds: 0.1, reuseEvaluations: 3, layers: [{ layer: 0, units: 16, free: 8, active: 8, reused: 0 }, { layer: 1, units: 16, free: 10, active: 6, reused: 0 }],
});

describe('CLNP diagnostics accessor', () => {
  let clnpRun: TrainResult;
  beforeAll(async () => {
    await initBackend('wasm');
    clnpRun = await tinyRun('clnp');
  }, 120_000);

  it('accepts the diagnostics of a real CLNP run: one entry per task, with its pruning search time', () => {
    const tasks = clnpTaskDiagnostics(clnpRun.diagnostics);
    expect(tasks?.map((t) => t.task)).toEqual([0, 1]);
    expect(tasks?.every((t) => t.searchSeconds >= 0 && t.layers.length === 2)).toBe(true);
    const raw = clnpRun.diagnostics.clnp as { tasks: unknown[] }; // test only: feed the raw entries to the guard
    expect(raw.tasks.map(isClnpTaskDiagnostics)).toEqual([true, true]);
  });

  it('is undefined for a run of another method (no diagnostics.clnp)', async () => {
    expect(clnpTaskDiagnostics((await tinyRun('naive')).diagnostics)).toBeUndefined();
    expect(clnpTaskDiagnostics({ pruning: { tasks: [] } })).toBeUndefined();
  }, 120_000);

  it('accepts a well-formed constructed entry', () => {
    expect(isClnpTaskDiagnostics(valid())).toBe(true);
    expect(clnpTaskDiagnostics({ clnp: { tasks: [valid(), { ...valid(), task: 1 }] } })?.map((t) => t.searchSeconds)).toEqual([0.5, 0.5]);
  });

  it('rejects malformed entries', () => {
    const bad: unknown[] = [
      null, 42, 'clnp', [], {},
      { ...valid(), searchSeconds: '0.5' },
      { ...valid(), searchSeconds: undefined },
      { ...valid(), thresholds: [0.1, '0.2'] },
      { ...valid(), fullLayers: undefined },
      { ...valid(), layers: [{ layer: 0, units: 16, free: 8, active: 8 }] },   // no "reused"
      { ...valid(), layers: [null] },
      { ...valid(), layers: {} },
    ];
    for (const b of bad) expect(isClnpTaskDiagnostics(b), JSON.stringify(b)).toBe(false);
  });

  it('throws on a malformed diagnostics.clnp instead of reading through it', () => {
    expect(() => clnpTaskDiagnostics({ clnp: null })).toThrow(/diagnostics\.clnp: expected an object/);
    expect(() => clnpTaskDiagnostics({ clnp: { tasks: 'none' } })).toThrow(/"tasks" array/);
    expect(() => clnpTaskDiagnostics({ clnp: { tasks: [valid(), { ...valid(), searchSeconds: 'slow' }] } })).toThrow(/diagnostics\.clnp\.tasks\[1\]/);
  });

  it('type-check: the validated shape is clnp\'s ClnpTaskDiagnostics', () => {
    expect(typeErrors([fileURLToPath(import.meta.url)])).toEqual([]);
  }, 120_000);
});
