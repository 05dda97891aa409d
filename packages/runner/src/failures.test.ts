import { DivergenceError, initBackend, Rng, tf, trainContinual } from '@clbench/core';
import { scenarioForRun } from '@clbench/data';
import { getMethod } from '@clbench/methods';
// Pool code loads dist/worker.js: import the built package, as the CLI does.
import { executeRun, expandMatrix, readResults, runSpecs, type RunnerEvent } from '@clbench/runner';
import { describe, expect, it } from 'vitest';
import { tempDir, tinySuite } from './test-util.js';

const base = { methods: [{ name: 'naive' }], orderings: { explicit: [[]] } };
const good = () => expandMatrix(tinySuite({ ...base, seeds: [0, 1, 2] }));
// SGD with lr 1e30: the first step sends the weights to ±1e30·g, the next logits overflow.
const nan = () => expandMatrix(tinySuite({ ...base, name: 'nan', training: { optimizer: 'sgd', lr: 1e30, epochs: 1, batchSize: 32 } }));
// A run that throws: its dataset directory does not exist.
const throwing = () => expandMatrix(tinySuite({ ...base, name: 'throws', dataset: { name: 'fashion-mnist', source: { dir: '/nonexistent/clbench-test' } } }));
// 784·2048 + 2048·2048 weights ≈ 23 MB, ×3 with Adam's moments: over a 40 MB limit.
const big = () => expandMatrix(tinySuite({ ...base, name: 'big', network: { layers: [{ type: 'dense', units: 2048 }, { type: 'dense', units: 2048 }] } }));

describe('failed runs', () => {
  it('the huge-lr suite really produces a non-finite loss (checked in this thread)', async () => {
    await initBackend('wasm');
    const { config } = nan()[0];
    const def = getMethod('naive');
    await expect(trainContinual({
      scenario: scenarioForRun(config), network: config.network, training: config.training,
      method: def.create(def.hyperparameters.parse({})), rng: new Rng(config.seed),
    })).rejects.toThrow(DivergenceError);
  });

  it('a failed run leaves no tensors behind in its worker (the worker goes on to other runs)', async () => {
    await initBackend('wasm');
    await executeRun(good()[0], { backend: 'wasm' });
    const before = tf.memory().numTensors;
    const results = [await executeRun(nan()[0], { backend: 'wasm' }), await executeRun(big()[0], { backend: 'wasm', maxTensorBytes: 40 * 2 ** 20 })];
    expect(results.map((r) => r.status)).toEqual(['failed', 'failed']);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('records a throwing run, a NaN run and a run over the memory limit as failed while the rest finish', async () => {
    const dir = tempDir('fail');
    const events: RunnerEvent[] = [];
    const specs = [nan()[0], throwing()[0], ...good(), big()[0]];
    const s = await runSpecs('mixed', specs, { out: dir, backend: 'wasm', workers: 2, maxMemoryMb: 40, retries: 1, onEvent: (e) => events.push(e) });
    expect([s.ok, s.failed]).toEqual([3, 3]);
    const byName = Object.fromEntries(readResults(dir).map((r) => [r.suite, r]));
    expect(readResults(dir)).toHaveLength(6);
    for (const r of readResults(dir).filter((r) => r.suite === 'tiny')) expect(r.status).toBe('ok');
    const failed = (suite: string) => { const r = byName[suite]; if (r.status !== 'failed') throw new Error(`${suite} did not fail`); return r; };
    expect(failed('nan').error).toMatch(/^loss is NaN at task 0, epoch 0, step \d+$/);
    expect(failed('throws').error).toMatch(/nonexistent\/clbench-test/);
    expect(failed('big').error).toMatch(/tensor memory [\d.]+ MB exceeds the limit of 40 MB/);
    // --retries 1: each failure was attempted twice, and says so.
    for (const k of ['nan', 'throws', 'big']) expect(failed(k).attempts).toBe(2);
    expect(events.filter((e) => e.type === 'run-retry')).toHaveLength(3);
  });

  it('a worker killed at its V8 heap limit fails its runs, is replaced, and the suite ends', async () => {
    const dir = tempDir('oom');
    const s = await runSpecs('oom', good().slice(0, 2), { out: dir, backend: 'wasm', workers: 1, maxMemoryMb: 12 });
    expect([s.ok, s.failed]).toEqual([0, 2]);
    for (const r of readResults(dir)) expect(r.status === 'failed' && r.error).toMatch(/^worker out of memory \(limit 12 MB.*JS heap out of memory/);
  });
});
