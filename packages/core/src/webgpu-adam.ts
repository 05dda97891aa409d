/**
 * Adam's update on the webgpu backend as three GPU programs per parameter instead of nine.
 *
 * Written out with tfjs ops (optimizer.ts) an update is 9 GPU programs per parameter plus uploads
 * of its scalar constants (tools/gpu/dispatches.mjs), and on
 * tfjs-webgpu in Node every kernel costs ~0.4 ms whatever its size: on an H100 the update took
 * 33–57 ms of an 85 ms paper-scale step (reports/gpu/profile-h100.txt). This kernel computes the
 * same formula in the same order (Kingma & Ba 2015, Alg. 1, with the bias corrections folded
 * into the step size as in optimizer.ts):
 *   m ← β1·m + (1−β1)·g        v ← β2·v + (1−β2)·g²        θ ← θ − mask · lr_t · m / (√v + ε)
 * A masked (frozen) entry gets θ − 0 = θ, bit for bit, as on every other backend.
 *
 * Registered for the webgpu backend only, as the tfjs kernel `ClbenchAdam` (core/webgpu.ts calls
 * `registerWebgpuAdam` once the backend is loaded); optimizer.ts uses it where it exists.
 * CLBENCH_WEBGPU_ADAM=ops keeps the written-out update (to measure the difference).
 */
import * as tf from '@tensorflow/tfjs';

export const ADAM_KERNEL = 'ClbenchAdam';

export interface AdamAttrs { beta1: number; beta2: number; lrT: number; eps: number }

/** The part of tfjs-backend-webgpu this file uses (the package is optional: no types at build time). */
interface WebgpuModule {
  webgpu_util: {
    flatDispatchLayout(shape: number[]): { x: number[] };
    computeDispatch(layout: { x: number[] }, shape: number[], workgroupSize: [number, number, number]): [number, number, number];
  };
}
interface WebgpuBackend {
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
      const b = backend as unknown as WebgpuBackend, shape = W.shape;
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

/** True when the current backend has the fused update (webgpu after `registerWebgpuAdam`). */
export function hasFusedAdam(): boolean {
  return tf.getKernel(ADAM_KERNEL, tf.getBackend()) !== undefined;
}

/** One fused Adam update: the new θ, m and v (the caller assigns them). */
export function fusedAdam(w: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, mask: tf.Tensor | undefined, attrs: AdamAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const inputs: tf.NamedTensorMap = mask ? { W: w, G: g, M: m, V: v, Mask: mask } : { W: w, G: g, M: m, V: v };
  return tf.engine().runKernel(ADAM_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}
