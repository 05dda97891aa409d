/**
 * Per-task checkpoints for every registered method (generated from METHODS, so a new method is
 * covered by default): a 3-task run stopped after task 1 or task 2 and resumed from the checkpoint
 * (encoded to bytes and decoded, as on disk) ends with the same accuracy matrix, steps per task and
 * final parameters, bit for bit, as the uninterrupted run — on wasm and on cpu — and leaks no tensor.
 */
import { decodeState, encodeState, initBackend, Rng, tf, trainContinual, type TrainingConfig } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { describe, expect, it } from 'vitest';
import { getMethod, methodNames, type MethodName } from './index.js';

const training: TrainingConfig = { optimizer: 'adam', lr: 2e-3, epochs: 1, batchSize: 32, validationFraction: 0.15, budget: 'consolidation-extra' };
const network = { layers: [{ type: 'dense' as const, units: 24 }, { type: 'dense' as const, units: 16 }] };
/** Hyper-parameters other than the defaults, for speed only: gdumb's 128 retraining epochs per task take minutes on cpu (4 run the same code). */
const settings: Partial<Record<MethodName, Record<string, unknown>>> = { gdumb: { epochs: 4 } };

function scenarioFor(name: MethodName) {
  const incremental = getMethod(name).supports.includes('task') ? 'task' : getMethod(name).supports[0];
  return buildScenario(loadEmbeddedMnist(), { type: 'split', incremental, tasks: 3, classesPerTask: 2 },
    { seed: 3, ordering: [], validationFraction: 0.15, image: false, limit: 60 });
}

interface Outcome { R: number[][]; steps: { train: number[]; consolidation: number[] }; params: Float32Array[]; checkpoints: Uint8Array[] }

/** One run of `name` (optionally resumed from `resume`); keeps every checkpoint as bytes. */
async function run(name: MethodName, opts: { carried?: boolean; resume?: Uint8Array } = {}): Promise<Outcome> {
  const def = getMethod(name);
  const method = def.create(def.hyperparameters.parse(settings[name] ?? {}));
  const checkpoints: Uint8Array[] = [];
  let params: Float32Array[] = [];
  const cfg = { ...training, ...(opts.carried ? { optimizerState: 'carried' as const } : {}) };
  const res = await trainContinual({
    scenario: scenarioFor(name), network, training: cfg, method, rng: new Rng(11),
    checkpoint: { save: (state) => { checkpoints.push(encodeState(state)); }, ...(opts.resume ? { resume: decodeState(opts.resume) } : {}) },
    onTaskEnd: (_t, net) => { params = net.params().map((p) => Float32Array.from(p.variable.dataSync())); },
  });
  return { R: res.accuracyMatrix, steps: res.steps, params, checkpoints };
}

describe.each(['wasm', 'cpu'] as const)('checkpoints on %s', (backend) => {
  it.each(methodNames)('%s: resumed after task 1 and after task 2 = uninterrupted, bit for bit', async (name) => {
    await initBackend(backend);
    const before = tf.memory().numTensors;
    const whole = await run(name);
    expect(whole.checkpoints).toHaveLength(2);                                  // after tasks 0 and 1 (none after the last)
    for (const [k, bytes] of whole.checkpoints.entries()) {
      const resumed = await run(name, { resume: bytes });
      expect(resumed.R, `R resumed after task ${k}`).toEqual(whole.R);
      expect(resumed.steps).toEqual(whole.steps);
      expect(resumed.params.length).toBe(whole.params.length);
      resumed.params.forEach((p, i) => expect(Buffer.from(p.buffer).equals(Buffer.from(whole.params[i].buffer)), `parameter ${i} resumed after task ${k}`).toBe(true));
      expect(resumed.checkpoints.length).toBe(whole.checkpoints.length - k - 1);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('checkpoints with a carried optimiser', () => {
  it('Adam\'s moments and step count travel with the checkpoint: naive and ewc resume bit for bit', async () => {
    await initBackend('wasm');
    for (const name of ['naive', 'ewc'] as const) {
      const whole = await run(name, { carried: true });
      const resumed = await run(name, { carried: true, resume: whole.checkpoints[1] });
      expect(resumed.R).toEqual(whole.R);
      resumed.params.forEach((p, i) => expect(Buffer.from(p.buffer).equals(Buffer.from(whole.params[i].buffer))).toBe(true));
    }
  });
});
