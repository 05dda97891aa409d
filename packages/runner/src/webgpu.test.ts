/**
 * WebGPU smoke test on Dawn's null backend (CLBENCH_DAWN_BACKEND=null): an adapter exists
 * and kernels dispatch, but the null backend computes nothing, so this test CANNOT check
 * numbers (losses and accuracies are garbage). It checks what can go wrong without a GPU:
 * backend selection, that every kernel the methods run is registered for webgpu (a missing
 * kernel would fail a GPU run mid-way), and that runs go through the harness and the host
 * switch for synchronous reads (core/host.ts) without leaking tensors. Numbers on a real GPU:
 * tools/gpu/check.sh.
 */
import { initBackend, Rng, setWebgpuKernels, tf, trainContinual, type SuiteInput } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { getMethod, methodNames } from '@clbench/methods';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeRun } from './execute.js';
import { expandMatrix } from './matrix.js';
import { parseSuite } from './suite-file.js';

const installed = (() => { try { createRequire(import.meta.url).resolve('webgpu'); return true; } catch { return false; } })();

const suiteFor = (method: string, network: SuiteInput['network'] = { layers: [{ type: 'dense', units: 16 }] }) => parseSuite({
  name: `webgpu-${method}`,
  dataset: { name: 'mnist', limit: 40 },
  scenario: { type: 'split', incremental: getMethod(method).supports.includes('task') ? 'task' : getMethod(method).supports[0], tasks: 2, classesPerTask: 2 },
  network,
  training: { optimizer: 'adam', lr: 0.01, epochs: 1, batchSize: 32 },
  methods: [{ name: method }],
});
const CONV = { layers: [{ type: 'conv2d' as const, filters: 4, pool: 2 }, { type: 'dropout' as const, rate: 0.1 }, { type: 'dense' as const, units: 8 }] };
const cases = [...methodNames.map((m) => ({ method: m, network: undefined })), { method: 'naive', network: CONV }, { method: 'clnp', network: CONV }];

/** Names of the kernels tfjs dispatches while `fn` runs (any backend). */
async function kernelsOf(fn: () => Promise<unknown>): Promise<Set<string>> {
  const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
  const original = engine.runKernel, seen = new Set<string>();
  engine.runKernel = function (this: unknown, name: string, ...rest: unknown[]) { seen.add(name); return original.call(this, name, ...rest); };
  try { await fn(); } finally { engine.runKernel = original; }
  return seen;
}

describe.skipIf(!installed)('webgpu on Dawn null backend (no numbers checked)', () => {
  const saved = process.env.CLBENCH_DAWN_BACKEND;
  beforeAll(() => { process.env.CLBENCH_DAWN_BACKEND = 'null'; });
  afterAll(async () => {
    if (saved === undefined) delete process.env.CLBENCH_DAWN_BACKEND; else process.env.CLBENCH_DAWN_BACKEND = saved;
    await tf.setBackend('wasm');
  });

  it('auto refuses the null adapter; --backend webgpu takes it and names it', async () => {
    expect(await initBackend('auto')).not.toBe('webgpu');
    expect(await initBackend('webgpu')).toBe('webgpu');
    const { gpuAdapter } = await import('@clbench/core');
    expect(gpuAdapter()).toMatchObject({ device: 'null-backend', dawnBackend: 'null', available: ['Null backend'] });
  });

  it.each(cases)('$method ($network.layers.0.type): every kernel it runs exists on webgpu, and a run goes through the harness', async ({ method, network }) => {
    const [spec] = expandMatrix(suiteFor(method, network));
    // The kernels, recorded on wasm where the numbers are real (so every branch a healthy run takes is taken).
    await initBackend('wasm');
    let reference;
    const kernels = await kernelsOf(async () => { reference = await executeRun(spec, { backend: 'wasm' }); });
    expect(reference).toMatchObject({ status: 'ok' });
    expect([...kernels].filter((k) => !tf.getKernel(k, 'webgpu'))).toEqual([]);

    await initBackend('webgpu');
    const before = tf.memory().numTensors;
    const r = await executeRun(spec, { backend: 'webgpu' });
    // The null backend returns garbage: a run may end on a non-finite loss (DivergenceError), nothing else.
    if (r.status === 'failed') expect(r.error).toMatch(/^loss is (NaN|-?Infinity) at task/);
    else expect(r).toMatchObject({ backend: 'webgpu', gpu: { device: 'null-backend' } });
    expect(tf.getBackend()).toBe('webgpu');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a naive training step (2 hidden layers, Adam) records 20 programs (tfjs ops before issue 26: 62), uploads nothing through tfjs, writes only its row indices to the device, breaks the compute pass only to submit', async () => {
    await initBackend('webgpu');
    type Backend = Record<string, (...a: unknown[]) => unknown> & { computePassEncoder: unknown; queue: Record<string, (...a: unknown[]) => unknown>;
      tensorMap: { get(id: unknown): { values: ArrayBufferView | null; resource: unknown } } };
    const backend = tf.backend() as unknown as Backend;
    const pass = (globalThis as unknown as { GPUComputePassEncoder: { prototype: Record<string, (...a: unknown[]) => unknown> } }).GPUComputePassEncoder.prototype;
    const UNIFORM = (globalThis as unknown as { GPUBufferUsage: { UNIFORM: number } }).GPUBufferUsage.UNIFORM;
    // bytes: data copied to the device, through tfjs (an upload) or a queue write to any buffer but a program's uniforms.
    const counts = { programs: 0, uploads: 0, breaks: 0, submits: 0, bytes: 0 };
    const spies: [Record<string, (...a: unknown[]) => unknown>, string, (this: Backend, ...a: unknown[]) => void][] = [
      [pass, 'dispatchWorkgroups', () => { counts.programs++; }],
      [backend, 'uploadToGPU', function (id) { const d = this.tensorMap.get(id); if (d.values && !d.resource) { counts.uploads++; counts.bytes += d.values.byteLength; } }],
      [backend.queue, 'writeBuffer', (buffer, _offset, data, _dataOffset, size) => {
        if (!((buffer as { usage: number }).usage & UNIFORM)) counts.bytes += (size as number | undefined) ?? (data as ArrayBufferView).byteLength;
      }],
      [backend, 'endComputePassEncoder', function () { if (this.computePassEncoder) counts.breaks++; }],
      [backend, 'submitQueue', () => { counts.submits++; }],
    ];
    const originals = spies.map(([obj, name, f]) => {
      const original = obj[name];
      obj[name] = function (this: typeof backend, ...a: unknown[]) { f.apply(this, a); return original.apply(this, a); };
      return original;
    });
    /** Per step of task 1's training (afterStep to afterStep): the counts, for the path `on`. */
    const perStep = async (on: boolean) => {
      setWebgpuKernels(on);
      const scenario = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'task', tasks: 2, classesPerTask: 2 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 200 });
      const method = getMethod('naive').create({}), steps: (typeof counts & { rows: number })[] = [];
      let last: typeof counts | null = null;
      method.afterStep = (step) => {
        if (step.taskId === 1 && last) {
          const d = Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v - last![k as keyof typeof counts]])) as typeof counts;
          steps.push({ ...d, rows: step.samples.idx.length });
        }
        last = step.taskId === 1 ? { ...counts } : null;
      };
      await trainContinual({ scenario, network: { layers: [{ type: 'dense', units: 32 }, { type: 'dense', units: 32 }] },
        training: { optimizer: 'adam', lr: 1e-3, epochs: 2, batchSize: 16, validationFraction: 0.1, budget: 'consolidation-extra' }, method, rng: new Rng(0) });
      return steps;
    };
    try {
      const after = await perStep(true), before = await perStep(false);
      expect(after.length).toBeGreaterThan(10);
      // the batch gathered from the resident rows 1 · forward 3 (two fused dense+ReLU, the fused head) · loss 1 · ∂logits 1 ·
      // head ∂b, ∂W, ∂x 3 · layer 2: δ and ∂b 1, ∂W, ∂x 2 · layer 1 (the input's): δ and ∂b 1, ∂W 1 · Adam 1 per parameter 6 = 20;
      // a step whose losses are read (every 32 steps, an epoch's last) adds their stack (tfjs concatenates ≤ 7 at a time).
      const programs = after.map((s) => s.programs);
      expect(Math.min(...programs)).toBe(20);
      expect(programs.filter((n) => n === 20).length).toBeGreaterThan(after.length / 2);
      expect(Math.max(...programs)).toBeLessThanOrEqual(25);
      expect(before.map((s) => s.programs).filter((n) => n < 62)).toEqual([]);
      expect(after.every((s) => s.uploads === 0 && s.breaks === s.submits)).toBe(true);
      expect(after.map((s) => s.bytes - 4 * s.rows).filter((d) => d !== 0)).toEqual([]);   // the row indices, int32: nothing else
      expect(before.every((s) => s.uploads >= 5)).toBe(true);               // x, labels and 3 scalars
      expect(before.every((s) => s.bytes >= s.rows * 784 * 4)).toBe(true);  // every row's pixels
    } finally {
      setWebgpuKernels(true);
      spies.forEach(([obj, name], i) => { obj[name] = originals[i]; });
    }
  });

  it('the training step\'s gradients on webgpu (deviceGrads, seed 1 on the device) name the same variables as tf.variableGrads: non-trainable ones left out', async () => {
    await initBackend('webgpu');
    const { deviceGrads } = await import('@clbench/core');
    const a = tf.variable(tf.ones([3]), true, 'dg.a'), frozen = tf.variable(tf.ones([3]), false, 'dg.frozen'), unused = tf.variable(tf.ones([2]), true, 'dg.unused');
    const before = tf.memory().numTensors;
    const f = () => a.mul(frozen).sum() as tf.Scalar;
    const mine = tf.tidy(() => Object.keys(deviceGrads(f, [a, frozen, unused]).grads));
    const tfjs = tf.tidy(() => Object.entries(tf.variableGrads(f, [a, frozen, unused]).grads).filter(([, g]) => g != null).map(([k]) => k));
    expect(mine).toEqual(['dg.a']);
    expect(mine).toEqual(tfjs);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, frozen, unused]);
  });
});
