import { describe, expect, it } from 'vitest';
import { initBackend, tf } from './backend.js';
import { conv2d } from './conv.js';

describe('conv2d filter gradient (im2col, for wasm which lacks Conv2DBackpropFilter)', () => {
  for (const padding of ['same', 'valid'] as const) {
    it(`matches tfjs's own conv2d gradient on the cpu backend (${padding})`, async () => {
      await initBackend('cpu');
      const x = tf.randomNormal([2, 6, 5, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const W = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
      const loss = (f: typeof conv2d) => (xx: tf.Tensor, ww: tf.Tensor) => f(xx as tf.Tensor4D, ww as tf.Tensor4D, padding).square().sum();
      const ours = tf.grads(loss(conv2d))([x, W]);
      const ref = tf.grads(loss((a, b, p) => tf.conv2d(a, b, 1, p)))([x, W]);
      expect(ours[0].shape).toEqual(x.shape);
      expect(ours[1].shape).toEqual(W.shape);
      for (let i = 0; i < 2; i++) expect(tf.max(tf.abs(ours[i].sub(ref[i]))).dataSync()[0]).toBeLessThan(1e-3);
      tf.dispose([x, W, ...ours, ...ref]);
    });
  }
  it('trains on wasm (no missing kernel)', async () => {
    await initBackend('wasm');
    const x = tf.randomNormal([2, 5, 5, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const W = tf.variable(tf.randomNormal([3, 3, 1, 2], 0, 1, 'float32', 4));
    const { grads } = tf.variableGrads(() => conv2d(x, W as unknown as tf.Tensor4D, 'same').relu().sum() as tf.Scalar, [W]);
    expect(Object.values(grads)[0].shape).toEqual([3, 3, 1, 2]);
    tf.dispose([x, W, ...Object.values(grads)]);
  });
});
