/**
 * WebGPU with real numbers on a CPU machine: Dawn's OpenGL ES backend over Mesa's llvmpipe
 * (EGL, surfaceless; Debian libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri, installed by .ci/run).
 * Unlike the null backend (webgpu.test.ts) llvmpipe computes, so here the numbers are checked:
 * the fused Adam kernel (core/webgpu-adam.ts) against a float64 hand computation and against the
 * written-out update on wasm, how many GPU programs a step dispatches, the softmax cross-entropy
 * (core/webgpu-cross-entropy.ts) and dense layer (core/webgpu-dense.ts) kernels and their
 * gradients against tfjs's ops on wasm, losses of 10 training steps against wasm, and CLNP's and
 * PackNet's zero forgetting bit for bit. llvmpipe is slow and compiles every shader on
 * first use: networks are small. Skipped outside CI when llvmpipe is not installed; CI must run it.
 */
import { buildNetwork, copyRow, fusedAdam, gatherResident, gpuAdapter, hasFusedAdam, headOf, initBackend, makeOptimizer, forEachBatch, residentSplit, Rng, tf, trainContinual, webgpuDense, webgpuKernels, webgpuSoftmaxCrossEntropy } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { getMethod } from '@clbench/methods';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const installed = (() => { try { createRequire(import.meta.url).resolve('webgpu'); return true; } catch { return false; } })();
const llvmpipe = ['/usr/lib/x86_64-linux-gnu/libEGL_mesa.so.0', '/usr/lib/aarch64-linux-gnu/libEGL_mesa.so.0'].some(existsSync);
const mnist = loadEmbeddedMnist();
const adam = { optimizer: 'adam' as const, lr: 5e-3, epochs: 1, batchSize: 64, validationFraction: 0.1, budget: 'consolidation-extra' as const };

/** Programs dispatched on the webgpu backend while `fn` runs (every compute dispatch: tfjs's programs and core/webgpu-dispatch.ts's). */
function dispatches(fn: () => void): number {
  const pass = (globalThis as unknown as { GPUComputePassEncoder: { prototype: { dispatchWorkgroups: (...a: unknown[]) => unknown } } }).GPUComputePassEncoder.prototype;
  const original = pass.dispatchWorkgroups;
  let n = 0;
  pass.dispatchWorkgroups = function (this: unknown, ...a: unknown[]) { n++; return original.apply(this, a); };
  try { fn(); } finally { pass.dispatchWorkgroups = original; }
  return n;
}

/** `values` as a tensor of `shape` on each backend in turn: f's outputs (read) on webgpu and on wasm. */
async function onBoth(f: (backend: 'webgpu' | 'wasm') => tf.Tensor[]): Promise<{ gpu: Float32Array[]; cpu: Float32Array[] }> {
  const read = async (backend: 'webgpu' | 'wasm') => {
    await initBackend(backend);
    const outs = f(backend);
    const values = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
    tf.dispose(outs);
    return values;
  };
  const gpu = await read('webgpu'), cpu = await read('wasm');
  await initBackend('webgpu');
  return { gpu, cpu };
}

/** Largest |a − b| over two lists of arrays of equal shapes. */
const maxDiff = (a: Float32Array[], b: Float32Array[]) => Math.max(...a.map((x, k) => Math.max(...x.map((v, i) => Math.abs(v - b[k][i])))));

/** The first `steps` losses of naive training (one permuted task) on a backend. */
async function losses(backend: 'webgpu' | 'wasm', steps: number): Promise<number[]> {
  await initBackend(backend);
  const scenario = buildScenario(mnist, { type: 'permuted', incremental: 'domain', tasks: 1 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 60 });
  const out: number[] = [];
  await trainContinual({ scenario, network: { layers: [{ type: 'dense', units: 32 }, { type: 'dense', units: 32 }] }, training: { ...adam, epochs: 2 },
    method: getMethod('naive').create({}), rng: new Rng(0), onProgress: (p) => { if (out.length < steps) out.push(p.loss); } });
  return out;
}

describe.skipIf(!(installed && (llvmpipe || process.env.CI)))('webgpu on llvmpipe (real numbers, CPU)', () => {
  const saved = process.env.CLBENCH_DAWN_BACKEND;
  beforeAll(async () => {
    process.env.CLBENCH_DAWN_BACKEND = 'opengles';
    expect(await initBackend('auto')).not.toBe('webgpu');                    // a software stand-in is never auto's choice
    expect(await initBackend('webgpu')).toBe('webgpu');
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.CLBENCH_DAWN_BACKEND; else process.env.CLBENCH_DAWN_BACKEND = saved;
    await tf.setBackend('wasm');
  });

  it('names the llvmpipe adapter and has the fused Adam kernel', () => {
    expect(gpuAdapter()).toMatchObject({ dawnBackend: 'opengles', device: expect.stringMatching(/^llvmpipe/) });
    expect(hasFusedAdam()).toBe(true);
  });

  it('fused Adam = Kingma & Ba Alg. 1 by hand (float64) and = the written-out update on wasm; masked entries bit for bit', async () => {
    await initBackend('webgpu');
    const rng = new Rng(5), n = 300, rand = (s: number) => Float32Array.from({ length: n }, () => (rng.next() - 0.5) * s);
    const w = rand(2), g = rand(1), m = rand(0.1), v = Float32Array.from(rand(0.02), Math.abs), mask = Float32Array.from({ length: n }, (_, i) => (i % 3 ? 1 : 0));
    const attrs = { beta1: 0.9, beta2: 0.999, lrT: 0.0123, eps: 1e-7 };
    const outs = tf.tidy(() => fusedAdam(tf.tensor(w), tf.tensor(g), tf.tensor(m), tf.tensor(v), tf.tensor(mask), attrs));
    const [w2, m2, v2] = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
    tf.dispose(outs);
    for (let i = 0; i < n; i++) {
      const mi = attrs.beta1 * m[i] + (1 - attrs.beta1) * g[i], vi = attrs.beta2 * v[i] + (1 - attrs.beta2) * g[i] * g[i];
      const wi = w[i] - mask[i] * attrs.lrT * mi / (Math.sqrt(vi) + attrs.eps);
      expect(Math.abs(m2[i] - mi)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(mi)));
      expect(Math.abs(v2[i] - vi)).toBeLessThanOrEqual(1e-6 * Math.max(1e-3, Math.abs(vi)));
      expect(Math.abs(w2[i] - wi)).toBeLessThanOrEqual(1e-6);
      if (mask[i] === 0) expect(Object.is(w2[i], w[i])).toBe(true);      // frozen: θ − 0 = θ exactly
    }
    // The second code path: the optimiser's written-out update on wasm, from the same state.
    await initBackend('wasm');
    const ref = tf.tidy(() => {
      const W = tf.tensor(w), M = tf.tensor(m), V = tf.tensor(v), G = tf.tensor(g);
      const m3 = M.mul(attrs.beta1).add(G.mul(1 - attrs.beta1)), v3 = V.mul(attrs.beta2).add(G.square().mul(1 - attrs.beta2));
      return W.sub(m3.div(v3.sqrt().add(attrs.eps)).mul(attrs.lrT).mul(tf.tensor(mask))).dataSync();
    });
    await initBackend('webgpu');
    for (let i = 0; i < n; i++) expect(Math.abs(w2[i] - ref[i])).toBeLessThanOrEqual(1e-6);
  });

  it('an Adam step dispatches 1 program per parameter (written out: 12–13)', async () => {
    await initBackend('webgpu');
    const net = buildNetwork({ layers: [{ type: 'dense', units: 16 }] }, [784], [2], new Rng(1));
    const params = net.taskParams(0), opt = makeOptimizer(adam);
    const grads = Object.fromEntries(params.map((p) => [p.name, tf.onesLike(p.variable)]));
    opt.step(params, grads, net.trainable);                                  // first step makes the moments
    expect(dispatches(() => opt.step(params, grads, net.trainable))).toBe(params.length);
    tf.dispose(Object.values(grads)); opt.dispose(); net.dispose();
  });

  it('softmax cross-entropy kernels: loss and ∂logits = tfjs\'s ops on wasm (≤ 1e-5) and the float64 log-sum-exp by hand; logits of ±200 stay finite', async () => {
    const rng = new Rng(3), N = 37, C = 10;
    const z = Float32Array.from({ length: N * C }, (_, i) => (rng.next() - 0.5) * (i < 2 * C ? 400 : 6));   // two rows whose exp would overflow float32 unshifted (e^88.7 > 3.4e38)
    const y = Int32Array.from({ length: N }, () => Math.floor(rng.next() * C));
    const dy = 1.7;                                                          // a seed ≠ 1: the gradient must scale with it
    const { gpu, cpu } = await onBoth((backend) => {
      const logits = tf.tensor2d(z, [N, C]), labels = tf.tensor1d(y, 'int32');
      const loss = backend === 'webgpu'
        ? (l: tf.Tensor) => webgpuSoftmaxCrossEntropy(l as tf.Tensor2D, labels)
        : (l: tf.Tensor) => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, C), l) as tf.Scalar;
      const { value, grad } = tf.valueAndGrad(loss)(logits, tf.scalar(dy));
      return [value, grad];
    });
    expect(maxDiff(gpu, cpu)).toBeLessThanOrEqual(1e-5);
    let hand = 0;                                                           // (1/N) Σ_n lse(z_n) − z_n[y_n], in float64
    const grad = new Float64Array(N * C);
    for (let n = 0; n < N; n++) {
      const row = Array.from(z.subarray(n * C, (n + 1) * C)), mx = Math.max(...row);
      const s = row.reduce((a, v) => a + Math.exp(v - mx), 0);
      hand += (mx + Math.log(s) - row[y[n]]) / N;
      row.forEach((v, c) => { grad[n * C + c] = dy * (Math.exp(v - mx) / s - (c === y[n] ? 1 : 0)) / N; });
    }
    expect(Number.isFinite(gpu[0][0])).toBe(true);
    expect(Math.abs(gpu[0][0] - hand)).toBeLessThanOrEqual(1e-5 * Math.max(1, hand));
    expect(Math.max(...gpu[1].map((g, i) => Math.abs(g - grad[i])))).toBeLessThanOrEqual(1e-6);
  });

  it.each([true, false])('dense kernel (relu %s): y and ∂x, ∂W, ∂b = tfjs\'s fused matMul on wasm (≤ 1e-5); a network-input layer (no ∂x) agrees too', async (relu) => {
    const rng = new Rng(4), N = 33, I = 20, U = 12, rand = (n: number) => Float32Array.from({ length: n }, () => rng.next() - 0.5);
    const xv = rand(N * I), Wv = rand(I * U), bv = rand(U), dyv = rand(N * U);
    const { gpu, cpu } = await onBoth((backend) => {
      const x = tf.tensor2d(xv, [N, I]), W = tf.tensor2d(Wv, [I, U]), b = tf.tensor1d(bv), dy = tf.tensor2d(dyv, [N, U]);
      const layer = backend === 'webgpu'
        ? (xi: tf.Tensor, Wi: tf.Tensor, bi: tf.Tensor) => webgpuDense(xi as tf.Tensor2D, Wi as tf.Tensor2D, bi as tf.Tensor1D, relu, true)
        : (xi: tf.Tensor, Wi: tf.Tensor, bi: tf.Tensor) => tf.fused.matMul({ a: xi as tf.Tensor2D, b: Wi as tf.Tensor2D, bias: bi, activation: relu ? 'relu' : 'linear' });
      const { value, grads } = tf.valueAndGrads((xi: tf.Tensor, Wi: tf.Tensor, bi: tf.Tensor) => layer(xi, Wi, bi))([x, W, b], dy);
      const out = [value, ...grads];
      if (backend === 'webgpu') {                                            // the input layer's form: ∂W, ∂b from x held fixed
        const g = tf.grads((Wi: tf.Tensor, bi: tf.Tensor) => webgpuDense(x, Wi as tf.Tensor2D, bi as tf.Tensor1D, relu, false))([W, b], dy);
        out.push(...g);
      } else out.push(grads[1].clone(), grads[2].clone());
      return out;
    });
    expect(gpu[0].some((v) => v === 0)).toBe(relu);                          // ReLU clips some outputs: its mask is exercised
    expect(maxDiff(gpu, cpu)).toBeLessThanOrEqual(1e-5);
  });

  it.each([undefined, 200, 80])('rows resident on the device (chunks of %s rows; more than 4 chunks take more than one program): a gathered batch = the CPU\'s rows and labels bit for bit', async (rows) => {
    await initBackend('webgpu');
    // A permuted task: a view whose rows are computed from the shared digits (what the permuted benchmarks train on).
    const { train } = buildScenario(mnist, { type: 'permuted', incremental: 'domain', tasks: 2 }, { seed: 3, ordering: [], validationFraction: 0.1, image: false, limit: 70 }).tasks[1];
    expect(train.n).toBeGreaterThan(560);
    const before = tf.memory().numTensors;
    const data = residentSplit(train, rows ? { maxChunkBytes: rows * 784 * 4 } : {});
    const chunks = rows ? Math.ceil(train.n / rows) : 1, programs = Math.ceil(chunks / 4);
    expect(data.chunks.length).toBe(chunks);
    if (rows === 80) expect(programs).toBeGreaterThan(1);
    // First, last and chunk-boundary rows, and a shuffled rest.
    const idx = Int32Array.from([0, train.n - 1, 79, 80, 199, 200, 201, ...new Rng(5).permutation(train.n).subarray(0, 57)]);
    let x!: tf.Tensor2D, y!: tf.Tensor1D;
    expect(dispatches(() => { ({ x, y } = gatherResident(data, idx)); })).toBe(programs);
    const [gx, gy] = await Promise.all([x.data(), y.data()]);
    tf.dispose([x, y]);
    data.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const want = new Float32Array(idx.length * 784);
    idx.forEach((i, k) => copyRow(train, i, want, k * 784));             // the CPU's copy, row by row
    expect(Array.from(gy)).toEqual(Array.from(idx, (i) => train.y[i]));
    let differ = 0;
    want.forEach((v, j) => { if (!Object.is(v, gx[j])) differ++; });
    expect(differ).toBe(0);
  });

  it('10 training steps through the harness: losses agree with wasm (≤ 1e-5), the webgpu kernels in use', async () => {
    await initBackend('webgpu');
    expect(webgpuKernels()).toBe(true);
    const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
    const original = engine.runKernel, seen = new Set<string>();
    engine.runKernel = function (this: unknown, name: string, ...rest: unknown[]) { seen.add(name); return original.call(this, name, ...rest); };
    let gpu: number[];
    try { gpu = await losses('webgpu', 10); } finally { engine.runKernel = original; }
    expect([...seen].filter((k) => k.startsWith('Clbench')).sort()).toEqual(['ClbenchAdam', 'ClbenchDenseGrad', 'ClbenchSoftmaxCrossEntropy', 'ClbenchSoftmaxCrossEntropyGrad']);
    // (the batch's gather, ClbenchGatherRows, is recorded without tfjs's engine: webgpu-gather.ts; the previous test checks it)
    const cpu = await losses('wasm', 10);
    expect(gpu).toHaveLength(10);
    for (let i = 0; i < 10; i++) expect(Math.abs(gpu[i] - cpu[i])).toBeLessThanOrEqual(1e-5);
    await initBackend('webgpu');
  });

  it.each([['clnp', {}], ['packnet', {}]] as const)('%s: zero forgetting on webgpu, bit for bit (earlier tasks\' test logits after every later task)', async (name, hp) => {
    await initBackend('webgpu');
    const scenario = buildScenario(mnist, { type: 'split', incremental: 'task', tasks: 3, classesPerTask: 2 }, { seed: 1, ordering: [], validationFraction: 0.1, image: false, limit: 60 });
    const def = getMethod(name), logits: Float32Array[] = [];
    let changed = 0, compared = 0;
    const res = await trainContinual({
      scenario, network: { layers: [{ type: 'dense', units: 24 }, { type: 'dense', units: 24 }] }, training: { ...adam, epochs: 2 },
      method: def.create(def.hyperparameters.parse(hp)), rng: new Rng(1),
      onTaskEnd: (t, net) => {
        scenario.tasks.slice(0, t + 1).forEach((task, j) => {
          let values: Float32Array = new Float32Array(0);
          forEachBatch(task.test, task.test.n, (x) => { values = tf.tidy(() => net.forward(x, headOf(scenario, task.id)).logits.dataSync() as Float32Array); });
          if (j === t) { logits[j] = values; return; }
          compared++;
          if (!values.every((v, i) => Object.is(v, logits[j][i]))) changed++;
        });
      },
    });
    expect(tf.getBackend()).toBe('webgpu');
    expect(compared).toBe(3);
    expect(changed).toBe(0);
    const R = res.accuracyMatrix;
    for (let i = 1; i < 3; i++) for (let j = 0; j < i; j++) expect(R[i][j]).toBe(R[j][j]);
    expect(R[2][2]).toBeGreaterThan(0.7);                                    // it learned something: numbers are real
  });
});
