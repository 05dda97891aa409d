/**
 * The reference the harness is measured against: a plain tfjs training loop a user would
 * write by hand — same network (784-H-H-10, ReLU), same initial weights, same batches,
 * tfjs's own Adam and softmax cross-entropy, no hooks, no masks.
 */
import { gather, planEpoch, Rng, tf, type Network, type Split } from '@clbench/core';

export function rawEpoch(net: Network, split: Split, batchSize: number, lr: number, seed: number, outputs: number): { seconds: number; samples: number } {
  // copy the network's initial values into fresh variables: the raw loop owns its weights
  const layers = net.layers.map((l) => ({ W: tf.variable(l.W.clone()), b: tf.variable(l.b.clone()) }));
  const head = { W: tf.variable(net.heads[0].W.clone()), b: tf.variable(net.heads[0].b.clone()) };
  const opt = tf.train.adam(lr, 0.9, 0.999, 1e-7);
  const plan = planEpoch([split.n], batchSize, new Rng(seed).fork('shuffle'));
  const t0 = performance.now();
  let samples = 0;
  for (const { idx } of plan) {
    tf.tidy(() => {
      const { x, y } = gather(split, idx);
      opt.minimize(() => {
        let h: tf.Tensor2D = x;
        for (const l of layers) h = tf.fused.matMul({ a: h, b: l.W as unknown as tf.Tensor2D, bias: l.b, activation: 'relu' }) as tf.Tensor2D;
        const logits = h.matMul(head.W as unknown as tf.Tensor2D).add(head.b);
        return tf.losses.softmaxCrossEntropy(tf.oneHot(y, outputs), logits) as tf.Scalar;
      });
    });
    samples += idx.length;
  }
  const seconds = (performance.now() - t0) / 1000;
  opt.dispose();
  tf.dispose([...layers.flatMap((l) => [l.W, l.b]), head.W, head.b]);
  return { seconds, samples };
}
