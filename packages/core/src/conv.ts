/**
 * 2-D convolution (stride 1) with an explicit gradient. tfjs-backend-wasm 4.22 has no
 * Conv2DBackpropFilter kernel, so the filter gradient is computed here with ops every
 * backend has: im2col (pad + K² slices + concat) and one matMul. The input gradient uses
 * conv2dTranspose (Conv2DBackpropInput exists on wasm).
 */
import { tf } from './backend.js';

export function conv2d(x: tf.Tensor4D, W: tf.Tensor4D, padding: 'same' | 'valid'): tf.Tensor4D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, wi, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([xi, wi]);
    return {
      value: tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, 1, padding), // [N, OH, OW, Cout]
      gradFunc: (dy: tf.Tensor, [xs, ws]: tf.Tensor[]) => [
        tf.conv2dTranspose(dy as tf.Tensor4D, ws as tf.Tensor4D, xs.shape as [number, number, number, number], 1, padding),
        filterGrad(xs as tf.Tensor4D, dy as tf.Tensor4D, ws.shape as number[], padding),
      ],
    };
  });
  return f(x, W) as tf.Tensor4D;
}

/** dL/dW[kh, kw, ci, co] = Σ_{n, y, x} xpad[n, y+kh, x+kw, ci] · dy[n, y, x, co]. */
function filterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, wShape: number[], padding: 'same' | 'valid'): tf.Tensor {
  const [K, , C, Cout] = wShape, [, OH, OW] = dy.shape;
  const p = padding === 'same' ? (K - 1) / 2 : 0;
  if (!Number.isInteger(p)) throw new Error(`conv2d: 'same' padding needs an odd kernel size (got ${K})`);
  const xp = p ? tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]) : x;
  const cols: tf.Tensor[] = [];
  for (let kh = 0; kh < K; kh++) for (let kw = 0; kw < K; kw++) cols.push(tf.slice(xp, [0, kh, kw, 0], [-1, OH, OW, C]));
  const patches = tf.concat(cols, 3).reshape([-1, K * K * C]);               // [N·OH·OW, K·K·C]
  return tf.matMul(patches, dy.reshape([-1, Cout]), true, false).reshape(wShape); // [K, K, C, Cout]
}
