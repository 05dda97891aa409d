/**
 * wasm's BatchMatMul, made fast for a transposed operand.
 *
 * tfjs-backend-wasm 4.22 hands a product to XNNPACK only when neither operand is transposed;
 * with `transposeA` or `transposeB` it runs a plain loop, 7–12× slower at the sizes trained here
 * (2×400 MLP, batch 128: xᵀ·dy 80 ms against 10 ms for Transpose + plain product). Backpropagation
 * through y = x·W asks for exactly those two products (tfjs's matMul gradient: dx = dy·Wᵀ,
 * dW = xᵀ·dy), and so do the conv filter gradient (conv.ts) and the batched importance sums
 * (importance.ts): on wasm a training step spent over 80 % of its time in them.
 *
 * `useFastTransposedMatMul` re-registers wasm's BatchMatMul kernel so that a transposed operand is
 * first materialised by wasm's Transpose kernel and the product then runs untransposed. The products
 * are the same; XNNPACK sums them in another order, so values differ from the plain loop's in the
 * last bits (results from clbench-0.5.0 on). Every other backend keeps its own kernel.
 */
import * as tf from '@tensorflow/tfjs';

type KernelArgs = Parameters<tf.KernelFunc>[0];
interface WasmBackend { disposeData(dataId: object): void }

let installed = false;
/** Off: the kernel passes every product to wasm's own kernel (the benchmark and the tests compare the two). */
let enabled = true;

export function setFastTransposedMatMul(on: boolean): void { enabled = on; }

/** Swap the last two axes of `x` with wasm's Transpose kernel (the caller disposes the result). */
function transposeLastTwo(x: tf.TensorInfo, backend: KernelArgs['backend'], transpose: tf.KernelFunc): tf.TensorInfo {
  const r = x.shape.length;
  const perm = [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];
  return transpose({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
}

/** Replace wasm's BatchMatMul kernel (once per thread; call before the wasm backend initialises,
 *  so that the original kernel's setup runs for it). */
export function useFastTransposedMatMul(): void {
  if (installed) return;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!original || !transpose) return;
  installed = true;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (args: KernelArgs) => {
      const { inputs, backend, attrs } = args;
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      if (!enabled || (!transposeA && !transposeB)) return original.kernelFunc(args);
      const a = transposeA ? transposeLastTwo(inputs.a as tf.TensorInfo, backend, transpose.kernelFunc) : inputs.a as tf.TensorInfo;
      const b = transposeB ? transposeLastTwo(inputs.b as tf.TensorInfo, backend, transpose.kernelFunc) : inputs.b as tf.TensorInfo;
      try {
        return original.kernelFunc({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
      } finally {
        if (transposeA) (backend as unknown as WasmBackend).disposeData(a.dataId);
        if (transposeB) (backend as unknown as WasmBackend).disposeData(b.dataId);
      }
    },
  });
}
