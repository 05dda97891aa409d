/**
 * A dense layer y = act(x·W + b) on the webgpu backend that stays one program under gradients.
 * tfjs unfuses `tf.fused.matMul` with a ReLU whenever a gradient is being recorded (matMul, add,
 * relu: 3 programs forward, 6–8 backward per layer). Here the forward pass is tfjs's fused kernel
 * (the one `tf.fused.matMul` runs outside gradients: the same numbers as evaluation), under a
 * tf.customGrad whose backward pass is, with δ = dy ⊙ act'(y) (ReLU: [y > 0]):
 *   ∂b = Σ_n δ_n     (one program with δ: `ClbenchDenseGrad`, two outputs)
 *   ∂W = xᵀ·δ        ∂x = δ·Wᵀ (only when x needs a gradient: not for the network's input)
 * so 2–3 programs backward (linear: ∂b from dy alone, ReLU: δ and ∂b in the same pass).
 */
import * as tf from '@tensorflow/tfjs';
import { dispatch, groupsFor, output, WORKGROUP, type WebgpuBackend } from './webgpu-dispatch.js';

export const DENSE_GRAD_KERNEL = 'ClbenchDenseGrad';

/** One thread per unit u (column): walks the rows, writes δ (ReLU) and Σ_n δ_nu. */
function gradShader(relu: boolean): string {
  const bindings = relu ? ['dy', 'y'] : ['dy'];
  const outs = relu ? ['delta', 'db'] : ['db'];
  const decl = (name: string, i: number, access: string) => `@group(0) @binding(${i}) var<storage, ${access}> ${name} : array<f32>;`;
  return `
    struct Uniforms { rows : i32, cols : i32 };
    ${bindings.map((n, i) => decl(n, i, 'read')).join('\n')}
    ${outs.map((n, i) => decl(n, bindings.length + i, 'read_write')).join('\n')}
    @group(0) @binding(${bindings.length + outs.length}) var<uniform> uniforms : Uniforms;
    @compute @workgroup_size(${WORKGROUP})
    fn main(@builtin(global_invocation_id) gid : vec3<u32>) {
      let u = i32(gid.x);
      if (u >= uniforms.cols) { return; }
      var acc = 0.0;
      for (var r = 0; r < uniforms.rows; r++) {
        let i = r * uniforms.cols + u;
        ${relu ? 'let d = select(0.0, dy[i], y[i] > 0.0);   // ReLU\'(y) = [y > 0]\n        delta[i] = d;' : 'let d = dy[i];'}
        acc += d;
      }
      db[u] = acc;
    }`;
}

/** Register `ClbenchDenseGrad` for webgpu: inputs dy (and y for ReLU), attr relu; outputs [δ, ∂b] (ReLU) or [∂b]. */
export function registerWebgpuDense(): void {
  if (tf.getKernel(DENSE_GRAD_KERNEL, 'webgpu')) return;
  tf.registerKernel({
    kernelName: DENSE_GRAD_KERNEL, backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, y } = inputs as Record<string, tf.TensorInfo>, b = backend as unknown as WebgpuBackend;
      const relu = (attrs as { relu: boolean }).relu, [rows, cols] = dy.shape;
      const db = output(b, [cols]), delta = relu ? output(b, dy.shape) : null;
      const bindings = relu ? [{ tensor: dy }, { tensor: y }, { tensor: delta!, write: true }, { tensor: db, write: true }] : [{ tensor: dy }, { tensor: db, write: true }];
      dispatch(b, `${DENSE_GRAD_KERNEL}_${relu}`, () => gradShader(relu), bindings, [{ type: 'int32', data: [rows] }, { type: 'int32', data: [cols] }], groupsFor(cols));
      return relu ? [delta!, db] : db;
    },
  });
}

/** a·b (operands transposed as asked) of rank-2 tensors: tfjs's kernel without tf.matMul's reshapes. */
const matMul = (a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean) =>
  tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA, transposeB }) as tf.Tensor;

/** act(x·W + b) in one program, differentiable in W, b (and x when `inputGrad`) on webgpu. x [N, in], W [in, units], b [units]. */
export function webgpuDense(x: tf.Tensor2D, W: tf.Tensor2D, b: tf.Tensor1D, relu: boolean, inputGrad: boolean): tf.Tensor2D {
  // tfjs-webgpu's matMul kernels take rank-2 operands as a batch of one (batchMatMulImpl): no reshapes.
  const fused = (xv: tf.Tensor, Wv: tf.Tensor, bv: tf.Tensor) => tf.engine().runKernel('_FusedMatMul', { a: xv, b: Wv, bias: bv },
    { transposeA: false, transposeB: false, activation: relu ? 'relu' : 'linear', leakyreluAlpha: 0.2 }) as tf.Tensor2D;
  /** [δ, ∂b] from dy and the saved output y. */
  const backward = (dy: tf.Tensor, y: tf.Tensor): [tf.Tensor, tf.Tensor] => {
    if (!relu) return [dy, tf.engine().runKernel(DENSE_GRAD_KERNEL, { dy }, { relu: false } as unknown as tf.NamedAttrMap) as tf.Tensor];
    return tf.engine().runKernel(DENSE_GRAD_KERNEL, { dy, y }, { relu: true } as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor];
  };
  if (inputGrad) {
    return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xv, Wv, bv, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
      const value = fused(xv, Wv, bv);
      save([xv, Wv, value]);
      const gradFunc = (dy: tf.Tensor, [xs, Ws, y]: tf.Tensor[]) => {
        const [delta, db] = backward(dy, y);
        return [matMul(delta, Ws, false, true), matMul(xs, delta, true, false), db];         // ∂x = δ·Wᵀ, ∂W = xᵀ·δ
      };
      return { value, gradFunc };
    })(x, W, b) as tf.Tensor2D;
  }
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [Wv, bv, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const value = fused(x, Wv, bv);
    save([x, value]);                                        // saved (kept until the backward pass), though not an input
    const gradFunc = (dy: tf.Tensor, [xs, y]: tf.Tensor[]) => {
      const [delta, db] = backward(dy, y);
      return [matMul(xs, delta, true, false), db];                                           // ∂W = xᵀ·δ
    };
    return { value, gradFunc };
  })(W, b) as tf.Tensor2D;
}
