#!/usr/bin/env node
/**
 * Where a webgpu training step's time goes (not run by check.sh): ms per iteration of the
 * batch gather, one matMul, the forward pass, forward + gradients, and the full Adam step, at
 * 784-256-256-10 and 784-2000-2000-10, batch 256, each ending in one read.
 * Usage: node tools/gpu/profile.mjs [--flags JSON]   (tfjs flags; CLBENCH_DAWN_TOGGLES=skip_validation for Dawn toggles)
 */
import { buildNetwork, gather, initBackend, makeOptimizer, Rng, tf } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
await initBackend('webgpu');
// --flags '{"WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE": 100}': tfjs flags to compare
const flagsArg = process.argv.indexOf('--flags');
if (flagsArg > 0) for (const [k, v] of Object.entries(JSON.parse(process.argv[flagsArg + 1]))) tf.env().set(k, v);
const mnist = loadEmbeddedMnist();
const sc = buildScenario(mnist, { type: 'permuted', incremental: 'domain', tasks: 1 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false });
const split = sc.tasks[0].train;
const idx = Int32Array.from({ length: 256 }, (_, i) => i);
async function time(label, fn, n = 30) {
  for (let i = 0; i < 3; i++) { const t = fn(); await t.data(); tf.dispose(t); }
  const t0 = performance.now();
  for (let i = 0; i < n; i++) { const t = fn(); await t.data(); tf.dispose(t); }
  console.log(label, ((performance.now() - t0) / n).toFixed(2), 'ms', 'tensors', tf.memory().numTensors);
}
for (const units of [256, 2000]) {
  const net = buildNetwork({ layers: [{ type: 'dense', units }, { type: 'dense', units }] }, sc.inputShape, sc.headOutputs, new Rng(0));
  const params = net.taskParams(0), vars = params.map((p) => p.variable);
  const opt = makeOptimizer({ optimizer: 'adam', lr: 1e-3 });
  await time(`${units} gather only`, () => { const { x, y } = gather(split, idx); tf.dispose(y); return x.sum(); });
  await time(`${units} matmul only`, () => tf.tidy(() => { const { x } = gather(split, idx); return tf.matMul(x, vars[0]).sum(); }));
  await time(`${units} forward`, () => tf.tidy(() => { const { x } = gather(split, idx); return net.forward(x, 0).logits.sum(); }));
  await time(`${units} grads`, () => tf.tidy(() => { const { x, y } = gather(split, idx); const g = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(tf.oneHot(y, 10), net.forward(x, 0, true).logits), vars); return g.value; }));
  await time(`${units} step`, () => tf.tidy(() => { const { x, y } = gather(split, idx); const g = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(tf.oneHot(y, 10), net.forward(x, 0, true).logits), vars); opt.step(params, Object.fromEntries(params.map((p) => [p.name, g.grads[p.variable.name]])), net.trainable); return g.value; }));
  opt.dispose(); net.dispose();
}
console.log(JSON.stringify(tf.env().getFlags()));
process.exit(0);
