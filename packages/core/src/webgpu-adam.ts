/**
 * Adam's update on the webgpu backend as one GPU program per parameter.
 *
 * Written out with tfjs ops (optimizer.ts) an update is 12 GPU programs per parameter plus uploads
 * of its scalar constants, and on tfjs-webgpu in Node every program costs ~0.1–0.4 ms of CPU
 * whatever its size (reports/gpu/profile-h100.txt). This kernel computes the same formula in the
 * same order (Kingma & Ba 2015, Alg. 1, with the bias corrections folded into the step size as in
 * optimizer.ts), reading θ, g, m, v (and the mask) and writing θ', m', v' in one pass
 * (webgpu-dispatch.ts records programs with several outputs):
 *   m ← β1·m + (1−β1)·g        v ← β2·v + (1−β2)·g²        θ ← θ − mask · lr_t · m / (√v + ε)
 * A masked (frozen) entry gets θ − 0 = θ, bit for bit, as on every other backend. Its constants,
 * lr_t included, travel in the program's uniform buffer: no scalar is uploaded.
 *
 * Registered for the webgpu backend only, as the tfjs kernel `ClbenchAdam` (core/webgpu.ts calls
 * `registerWebgpuAdam` once the backend is loaded); optimizer.ts uses it where it exists.
 * CLBENCH_WEBGPU_KERNELS=ops (or `setWebgpuKernels(false)`) records the update as the three
 * programs it was before (m, v, θ apart: to measure the difference); CLBENCH_WEBGPU_ADAM=ops
 * keeps the written-out update.
 */
import * as tf from '@tensorflow/tfjs';
import { dispatch, flatIndex, groupsFor, kernelsEnabled, output, WORKGROUP, type WebgpuBackend } from './webgpu-dispatch.js';

export const ADAM_KERNEL = 'ClbenchAdam';

export interface AdamAttrs { beta1: number; beta2: number; lrT: number; eps: number }

/** The part of tfjs-backend-webgpu this file uses (the package is optional: no types at build time). */
interface WebgpuModule {
  webgpu_util: {
    flatDispatchLayout(shape: number[]): { x: number[] };
    computeDispatch(layout: { x: number[] }, shape: number[], workgroupSize: [number, number, number]): [number, number, number];
  };
}
interface ProgramBackend {
  runWebGPUProgram(program: object, inputs: tf.TensorInfo[], dtype: 'float32', uniforms: { type: 'float32'; data: number[] }[]): tf.TensorInfo;
}

/** One elementwise program: `body` assigns `result[index]` from the inputs named in `inputs`. */
function program(gpu: WebgpuModule, key: string, shape: number[], inputs: string[], uniforms: string[], body: string): object {
  const workgroupSize: [number, number, number] = [128, 1, 1];
  const dispatchLayout = gpu.webgpu_util.flatDispatchLayout(shape);
  return {
    variableNames: inputs, outputShape: shape, shaderKey: `clbench_adam_${key}`, size: true, workgroupSize, dispatchLayout,
    dispatch: gpu.webgpu_util.computeDispatch(dispatchLayout, shape, workgroupSize),
    uniforms: uniforms.map((u) => `${u} : f32,`).join(' '),
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${body}
        }
      }`,
  };
}

/** Register `ClbenchAdam` for webgpu: inputs W, G, M, V (and Mask), outputs [W', M', V']. */
export function registerWebgpuAdam(gpu: WebgpuModule): void {
  if (process.env.CLBENCH_WEBGPU_ADAM === 'ops' || tf.getKernel(ADAM_KERNEL, 'webgpu')) return;
  tf.registerKernel({
    kernelName: ADAM_KERNEL, backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { W, G, M, V, Mask } = inputs as Record<string, tf.TensorInfo>;
      const { beta1, beta2, lrT, eps } = attrs as unknown as AdamAttrs;
      if (kernelsEnabled()) return onePass(backend as unknown as WebgpuBackend, W, G, M, V, Mask, attrs as unknown as AdamAttrs);
      const b = backend as unknown as ProgramBackend, shape = W.shape;
      const f32 = (x: number) => ({ type: 'float32' as const, data: [x] });
      // m ← β1·m + (1−β1)·g                                                  (Alg. 1, line 7)
      const m = b.runWebGPUProgram(program(gpu, 'm', shape, ['M', 'G'], ['beta1', 'oneMinusBeta1'],
        'result[index] = M[index] * uniforms.beta1 + G[index] * uniforms.oneMinusBeta1;'), [M, G], 'float32', [f32(beta1), f32(1 - beta1)]);
      // v ← β2·v + (1−β2)·g²                                                 (Alg. 1, line 8)
      const v = b.runWebGPUProgram(program(gpu, 'v', shape, ['V', 'G'], ['beta2', 'oneMinusBeta2'],
        'result[index] = V[index] * uniforms.beta2 + (G[index] * G[index]) * uniforms.oneMinusBeta2;'), [V, G], 'float32', [f32(beta2), f32(1 - beta2)]);
      // θ ← θ − mask · lr_t · m / (√v + ε)                                   (Alg. 1, line 12, bias corrections in lr_t)
      const update = 'let u = (M[index] / (sqrt(V[index]) + uniforms.eps)) * uniforms.lrT;';
      const w = Mask
        ? b.runWebGPUProgram(program(gpu, 'w_masked', shape, ['W', 'M', 'V', 'Mask'], ['lrT', 'eps'], `${update} result[index] = W[index] - u * Mask[index];`),
          [W, m, v, Mask], 'float32', [f32(lrT), f32(eps)])
        : b.runWebGPUProgram(program(gpu, 'w', shape, ['W', 'M', 'V'], ['lrT', 'eps'], `${update} result[index] = W[index] - u;`),
          [W, m, v], 'float32', [f32(lrT), f32(eps)]);
      return [w, m, v];
    },
  });
}

/** The update in one program: θ', m', v' written by the same threads (Alg. 1, lines 7, 8, 12). */
function onePass(backend: WebgpuBackend, W: tf.TensorInfo, G: tf.TensorInfo, M: tf.TensorInfo, V: tf.TensorInfo, Mask: tf.TensorInfo | undefined, a: AdamAttrs): tf.TensorInfo[] {
  const size = tf.util.sizeFromShape(W.shape);
  const [w, m, v] = [0, 1, 2].map(() => output(backend, W.shape));
  const inputs = Mask ? [W, G, M, V, Mask] : [W, G, M, V];
  const bindings = [...inputs.map((tensor) => ({ tensor })), ...[w, m, v].map((tensor) => ({ tensor, write: true }))];
  const uniforms = [a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.lrT, a.eps].map((x) => ({ type: 'float32' as const, data: [x] }));
  dispatch(backend, Mask ? 'clbench_adam_masked' : 'clbench_adam', () => adamShader(!!Mask), bindings, [...uniforms, { type: 'int32', data: [size] }], groupsFor(size));
  return [w, m, v];
}

/** WGSL of the one-pass update; its bindings are W, G, M, V, [Mask], W', M', V', uniforms. */
function adamShader(masked: boolean): string {
  const names = [...(masked ? ['W', 'G', 'M', 'V', 'Mask'] : ['W', 'G', 'M', 'V'])];
  const decl = (name: string, i: number, access: string) => `@group(0) @binding(${i}) var<storage, ${access}> ${name} : array<f32>;`;
  return `
    struct Uniforms { beta1 : f32, oneMinusBeta1 : f32, beta2 : f32, oneMinusBeta2 : f32, lrT : f32, eps : f32, size : i32 };
    ${names.map((n, i) => decl(n, i, 'read')).join('\n')}
    ${['Wout', 'Mout', 'Vout'].map((n, i) => decl(n, names.length + i, 'read_write')).join('\n')}
    @group(0) @binding(${names.length + 3}) var<uniform> uniforms : Uniforms;
    @compute @workgroup_size(${WORKGROUP})
    fn main(@builtin(global_invocation_id) gid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>) {
      ${flatIndex}
      if (index >= uniforms.size) { return; }
      let g = G[index];
      let m = M[index] * uniforms.beta1 + g * uniforms.oneMinusBeta1;                 // Alg. 1, line 7
      let v = V[index] * uniforms.beta2 + (g * g) * uniforms.oneMinusBeta2;           // line 8
      let u = (m / (sqrt(v) + uniforms.eps)) * uniforms.lrT;                          // line 12, bias corrections in lrT
      Mout[index] = m;
      Vout[index] = v;
      Wout[index] = W[index] - ${masked ? 'u * Mask[index]' : 'u'};
    }`;
}

/** True when the current backend has the fused update (webgpu after `registerWebgpuAdam`). */
export function hasFusedAdam(): boolean {
  return tf.getKernel(ADAM_KERNEL, tf.getBackend()) !== undefined;
}

/** One fused Adam update: the new θ, m and v (the caller assigns them). */
export function fusedAdam(w: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, mask: tf.Tensor | undefined, attrs: AdamAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const inputs: tf.NamedTensorMap = mask ? { W: w, G: g, M: m, V: v, Mask: mask } : { W: w, G: g, M: m, V: v };
  return tf.engine().runKernel(ADAM_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}
