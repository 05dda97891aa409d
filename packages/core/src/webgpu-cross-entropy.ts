/**
 * Softmax cross-entropy on the webgpu backend as two programs: the mean loss, and its gradient
 * with respect to the logits (a tf.customGrad). Written with tfjs ops (one-hot labels, log-sum-exp,
 * the mean) it is 14 programs and 3 scalar uploads per training step.
 *
 * For logits z [N, C] and integer labels y [N] (Goodfellow et al. 2016, Deep Learning, §6.2.2.3;
 * the log-sum-exp shifted by the row's maximum, so no exp overflows):
 *   loss = (1/N) Σ_n (lse(z_n) − z_n[y_n]),   lse(z_n) = max_c z_nc + log Σ_c exp(z_nc − max_c z_nc)
 *   ∂loss/∂z_nc = dy · (softmax(z_n)_c − [c = y_n]) / N
 * the same function as `tf.losses.softmaxCrossEntropy(tf.oneHot(y, C), z)` (mean over the batch);
 * a label outside 0…C−1 (a one-hot row of zeros) contributes 0 to both.
 */
import * as tf from '@tensorflow/tfjs';
import { dispatch, flatIndex, groupsFor, output, WORKGROUP, type WebgpuBackend } from './webgpu-dispatch.js';

export const CROSS_ENTROPY_KERNEL = 'ClbenchSoftmaxCrossEntropy';
export const CROSS_ENTROPY_GRAD_KERNEL = 'ClbenchSoftmaxCrossEntropyGrad';

/** WGSL: `lse` and `mx` of row `r` of `logits` (cols = uniforms.cols). */
const rowLogSumExp = `
      let base = r * uniforms.cols;
      var mx = logits[base];
      for (var c = 1; c < uniforms.cols; c++) { mx = max(mx, logits[base + c]); }
      var s = 0.0;
      for (var c = 0; c < uniforms.cols; c++) { s += exp(logits[base + c] - mx); }`;

const HEAD = `
    struct Uniforms { rows : i32, cols : i32 };
    @group(0) @binding(0) var<storage, read> logits : array<f32>;
    @group(0) @binding(1) var<storage, read> labels : array<i32>;`;

/** One workgroup: each thread sums the losses of rows t, t + 128, …; then a tree sum; thread 0 writes the mean. */
const LOSS_SHADER = `${HEAD}
    @group(0) @binding(2) var<storage, read_write> result : array<f32>;
    @group(0) @binding(3) var<uniform> uniforms : Uniforms;
    var<workgroup> partial : array<f32, ${WORKGROUP}>;
    @compute @workgroup_size(${WORKGROUP})
    fn main(@builtin(local_invocation_index) t : u32) {
      var acc = 0.0;
      for (var r = i32(t); r < uniforms.rows; r += ${WORKGROUP}) {
        ${rowLogSumExp}
        let y = labels[r];
        if (y >= 0 && y < uniforms.cols) { acc += (mx + log(s)) - logits[base + y]; }   // −log softmax(z_r)_y
      }
      partial[t] = acc;
      workgroupBarrier();
      for (var half = ${WORKGROUP / 2}u; half > 0u; half = half / 2u) {
        if (t < half) { partial[t] += partial[t + half]; }
        workgroupBarrier();
      }
      if (t == 0u) { result[0] = partial[0] / f32(uniforms.rows); }
    }`;

/** One thread per logit: (softmax − one-hot) · dy / N, the row's max and Σexp recomputed by each. */
const GRAD_SHADER = `${HEAD}
    @group(0) @binding(2) var<storage, read> dy : array<f32>;
    @group(0) @binding(3) var<storage, read_write> result : array<f32>;
    @group(0) @binding(4) var<uniform> uniforms : Uniforms;
    @compute @workgroup_size(${WORKGROUP})
    fn main(@builtin(global_invocation_id) gid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>) {
      ${flatIndex}
      if (index >= uniforms.rows * uniforms.cols) { return; }
      let r = index / uniforms.cols;
      let col = index - r * uniforms.cols;
      ${rowLogSumExp}
      let y = labels[r];
      let scale = dy[0] / f32(uniforms.rows);
      var g = 0.0;
      if (y >= 0 && y < uniforms.cols) { g = (exp(logits[index] - mx) / s - select(0.0, 1.0, col == y)) * scale; }
      result[index] = g;
    }`;

const dims = (logits: tf.TensorInfo) => [{ type: 'int32' as const, data: [logits.shape[0]] }, { type: 'int32' as const, data: [logits.shape[1]] }];

/** Register the two kernels for webgpu (core/webgpu.ts, once the backend is loaded). */
export function registerWebgpuCrossEntropy(): void {
  if (tf.getKernel(CROSS_ENTROPY_KERNEL, 'webgpu')) return;
  tf.registerKernel({
    kernelName: CROSS_ENTROPY_KERNEL, backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }) => {
      const { logits, labels } = inputs as Record<string, tf.TensorInfo>, b = backend as unknown as WebgpuBackend;
      const loss = output(b, []);
      dispatch(b, CROSS_ENTROPY_KERNEL, () => LOSS_SHADER, [{ tensor: logits }, { tensor: labels }, { tensor: loss, write: true }], dims(logits), [1, 1]);
      return loss;
    },
  });
  tf.registerKernel({
    kernelName: CROSS_ENTROPY_GRAD_KERNEL, backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }) => {
      const { logits, labels, dy } = inputs as Record<string, tf.TensorInfo>, b = backend as unknown as WebgpuBackend;
      const grad = output(b, logits.shape);
      dispatch(b, CROSS_ENTROPY_GRAD_KERNEL, () => GRAD_SHADER, [{ tensor: logits }, { tensor: labels }, { tensor: dy }, { tensor: grad, write: true }], dims(logits),
        groupsFor(tf.util.sizeFromShape(logits.shape)));
      return grad;
    },
  });
}

/** Mean softmax cross-entropy of logits [N, C] against int32 labels [N], differentiable in the logits (webgpu only). */
export function webgpuSoftmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [z, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([z]);
    const value = tf.engine().runKernel(CROSS_ENTROPY_KERNEL, { logits: z, labels }) as tf.Scalar;
    const gradFunc = (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.engine().runKernel(CROSS_ENTROPY_GRAD_KERNEL, { logits: saved, labels, dy }) as tf.Tensor;
    return { value, gradFunc };
  });
  return op(logits) as tf.Scalar;
}
