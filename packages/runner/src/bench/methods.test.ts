/** Benchmark 2 on a method that trains only at evaluation points (GDumb): a short real measurement. */
import { initBackend, tf } from '@clbench/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { benchMethods } from './methods.js';
import { BENCH_TRAINING } from './types.js';

beforeAll(async () => { await initBackend('wasm'); });

describe('methods bench: gdumb', () => {
  it('is timed on its retraining steps (finite samples/s), with its retraining steps and seconds per evaluation, steps as counted by hand', async () => {
    const before = tf.memory().numTensors;
    const [naive, gdumb] = await benchMethods({ network: { layers: [{ type: 'dense', units: 8 }] }, repeats: 1, methods: ['gdumb'], log: () => {} });
    expect(naive.method).toBe('naive');
    expect(naive.retraining).toBeUndefined();
    expect(gdumb.method).toBe('gdumb');
    expect(Number.isFinite(gdumb.samplesPerSecond) && gdumb.samplesPerSecond > 0).toBe(true);
    expect(Number.isFinite(gdumb.relativeToNaive) && gdumb.relativeToNaive > 0).toBe(true);
    // task-IL, memory 500, 128 epochs, batch 128: after task 1, 500 samples of head 0 (4 batches);
    // after task 2, 250 per head (2 batches each): 128 × 4 = 512 steps each time
    expect(BENCH_TRAINING.batchSize).toBe(128);
    expect(gdumb.retraining?.steps).toEqual([512, 512]);
    expect(gdumb.retraining?.seconds).toEqual(gdumb.consolidationSeconds);
    gdumb.retraining?.seconds.forEach((s) => expect(s).toBeGreaterThan(0));
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
