#!/usr/bin/env node
/**
 * The GPU device check (issue 13), run by tools/gpu/check.sh on a machine with a GPU:
 *  1. the adapter webgpu runs on;
 *  2. 10 training steps through the harness on webgpu and on wasm from the same seed: losses agree (≈1e-4);
 *  3. CLNP and PackNet zero forgetting on webgpu, bit for bit: the earlier tasks' test logits
 *     (read back after every later task) and accuracies never change;
 *  4. ms per training step, webgpu vs wasm, at 784-256-256-10 and 784-2000-2000-10 (batch 256);
 *  5. one task of benchmarks/paper-permuted-mnist.json on webgpu → the extrapolated wall time of a run.
 * Exit status 1 when 2 or 3 fails. Output: plain lines, meant to be kept (reports/gpu/).
 */
import { forEachBatch, gpuAdapter, headOf, initBackend, Rng, setWebgpuKernels, tf, trainContinual } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist, scenarioForRun } from '@clbench/data';
import { getMethod } from '@clbench/methods';
import { expandMatrix, loadSuite } from '@clbench/runner';
import { readFileSync } from 'node:fs';

const log = (s) => console.log(s);
const mnist = loadEmbeddedMnist();
const adam = (batchSize) => ({ optimizer: 'adam', lr: 1e-3, epochs: 1, batchSize, validationFraction: 0.1 });
let failed = false;

class Enough extends Error {}

/** Losses (and when each arrived) of the first `steps` harness steps (naive, one permuted task, up to 10 epochs). */
async function firstLosses(backend, steps, hidden, batchSize) {
  await initBackend(backend);
  const scenario = buildScenario(mnist, { type: 'permuted', incremental: 'domain', tasks: 1 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false });
  const losses = [], times = [];
  try {
    await trainContinual({
      scenario, network: { layers: hidden.map((units) => ({ type: 'dense', units })) }, training: { ...adam(batchSize), epochs: 10 },
      method: getMethod('naive').create({}), rng: new Rng(0),
      onProgress: (p) => { losses.push(p.loss); times.push(performance.now()); if (losses.length === steps) throw new Enough(); },
    });
  } catch (e) { if (!(e instanceof Enough)) throw e; }
  return { losses, times };
}

/**
 * ms per step over `steps` steps after the first read (which includes compiling shaders).
 * Losses arrive in reads of several steps on webgpu (one per step on wasm): the steps between
 * the ends of the first and the last read are timed.
 */
async function msPerStep(backend, hidden, steps) {
  const { times } = await firstLosses(backend, steps, hidden, 256);
  const ends = times.map((t, i) => i).filter((i) => i === times.length - 1 || times[i + 1] - times[i] > 0.5);
  const a = ends[0], b = ends[ends.length - 1];
  return (times[b] - times[a]) / (b - a);
}

/** Median ms of one small read (GPU → CPU round trip). */
async function readLatency() {
  await initBackend('webgpu');
  const ms = [];
  for (let i = 0; i < 21; i++) {
    const x = tf.scalar(i).add(1).mul(tf.ones([1000])).sum();
    const t0 = performance.now(); await x.data(); ms.push(performance.now() - t0); x.dispose();
  }
  return ms.sort((a, b) => a - b)[10];
}

/** Zero forgetting, bit for bit: train `method` on 3 split-MNIST tasks (task-incremental). */
async function zeroForgetting(name, hp) {
  await initBackend('webgpu');
  const scenario = buildScenario(mnist, { type: 'split', incremental: 'task', tasks: 3, classesPerTask: 2 }, { seed: 1, ordering: [], validationFraction: 0.1, image: false });
  const def = getMethod(name);
  const logits = []; // logits[j] = task j's test logits right after task j
  let changed = 0, compared = 0;
  const res = await trainContinual({
    scenario, network: { layers: [{ type: 'dense', units: 100 }, { type: 'dense', units: 100 }] }, training: { ...adam(64), epochs: 2 },
    method: def.create(def.hyperparameters.parse(hp)), rng: new Rng(1),
    onTaskEnd: (t, net) => {
      scenario.tasks.slice(0, t + 1).forEach((task, j) => {
        let values;
        forEachBatch(task.test, task.test.n, (x) => { values = tf.tidy(() => net.forward(x, headOf(scenario, task.id)).logits.dataSync()); });
        if (j === t) { logits[j] = values; return; }
        compared++;
        if (!values.every((v, i) => Object.is(v, logits[j][i]))) changed++;
      });
    },
  });
  const R = res.accuracyMatrix;
  const accChanged = R.flatMap((row, i) => row.slice(0, i).filter((a, j) => a !== R[j][j])).length;
  const ok = changed === 0 && accChanged === 0;
  if (!ok) failed = true;
  log(`${name}: ${ok ? 'ZERO FORGETTING, bit-exact' : 'FORGETS'} on webgpu: earlier tasks' test logits changed in ${changed}/${compared} checks, accuracies changed in ${accChanged}; R = ${JSON.stringify(R.map((r) => r.map((a) => +a.toFixed(4))))}`);
}

/** One task of a suite's first run on webgpu: seconds, and the extrapolation to the whole run. */
async function oneTask(file) {
  await initBackend('webgpu');
  const suite = loadSuite(file);
  const spec = expandMatrix(suite).find((s) => s.config.method === 'naive') ?? expandMatrix(suite)[0];
  const full = scenarioForRun(spec.config);
  const scenario = { ...full, tasks: full.tasks.slice(0, 1) };
  const def = getMethod(spec.config.method);
  const t0 = performance.now();
  const res = await trainContinual({ scenario, network: spec.config.network, training: spec.config.training, method: def.create(def.hyperparameters.parse(spec.config.hyperparameters)), rng: new Rng(spec.config.seed) });
  const wall = (performance.now() - t0) / 1000, T = full.tasks.length, n = full.tasks[0].train.n;
  log(`${suite.name} (${spec.config.label}, ${n} training samples per task, ${spec.config.training.epochs} epochs, batch ${spec.config.training.batchSize}): one task ${wall.toFixed(1)} s (training ${res.trainSeconds.toFixed(1)} s, ${(res.samplesTrained / res.trainSeconds).toFixed(0)} samples/s)`);
  log(`  extrapolated run of ${T} tasks: ${(T * wall / 60).toFixed(1)} min on these ${n} samples per task; with the papers' 54 000 training images per task (60 000 less validation): ${(T * (wall - res.trainSeconds + res.trainSeconds * 54000 / n) / 60).toFixed(1)} min`);
}

const backend = await initBackend('webgpu');
const a = gpuAdapter();
log(`node ${process.version}; backend ${backend}; adapter: vendor "${a?.vendor}", architecture "${a?.architecture}", device "${a?.device}", description "${a?.description}" (Dawn backend ${a?.dawnBackend}; adapters listed: ${JSON.stringify(a?.available ?? [])})`);
log(`packages: webgpu ${JSON.parse(readFileSync(new URL('../../node_modules/webgpu/package.json', import.meta.url))).version}, tfjs ${tf.version.tfjs}`);

// 2. loss agreement
const gpu = await firstLosses('webgpu', 10, [256, 256], 256), cpu = await firstLosses('wasm', 10, [256, 256], 256);
const diff = Math.max(...gpu.losses.map((l, i) => Math.abs(l - cpu.losses[i])));
if (!(diff <= 1e-3)) failed = true;
log(`10 steps, 784-256-256-10, batch 256, seed 0: max |loss webgpu − loss wasm| = ${diff.toExponential(2)} (${diff <= 1e-3 ? 'agree' : 'DISAGREE'})`);
log(`  webgpu ${gpu.losses.map((l) => l.toFixed(6)).join(' ')}`);
log(`  wasm   ${cpu.losses.map((l) => l.toFixed(6)).join(' ')}`);

// 3. bit-exact zero forgetting
await zeroForgetting('clnp', {});
await zeroForgetting('packnet', {});

// 4. ms per step
log(`one read GPU → CPU (median of 21): ${(await readLatency()).toFixed(2)} ms`);
for (const hidden of [[256, 256], [2000, 2000]]) {
  const g = await msPerStep('webgpu', hidden, 120), w = await msPerStep('wasm', hidden, hidden[0] > 1000 ? 6 : 20);
  log(`ms per step, 784-${hidden.join('-')}-10, batch 256 (median): webgpu ${g.toFixed(2)}, wasm ${w.toFixed(2)} (webgpu ${(w / g).toFixed(1)}x faster)`);
}
// core/webgpu-*.ts's kernels (dense, cross-entropy, Adam: issue 26) against tfjs ops and the 3-program Adam, same process, interleaved
for (const hidden of [[256, 256], [2000, 2000]]) {
  const ms = { after: [], before: [] };
  for (let r = 0; r < 2; r++) for (const path of ['before', 'after']) { setWebgpuKernels(path === 'after'); ms[path].push(await msPerStep('webgpu', hidden, 120)); }
  setWebgpuKernels(true);
  const best = (xs) => Math.min(...xs);
  log(`ms per step, 784-${hidden.join('-')}-10, batch 256, webgpu: kernels ${best(ms.after).toFixed(2)}, tfjs ops (before issue 26) ${best(ms.before).toFixed(2)} (best of 2 each)`);
}

// 5. one paper-scale task
if (!process.argv.includes('--no-paper')) await oneTask(new URL('../../benchmarks/paper-permuted-mnist.json', import.meta.url).pathname);

log(failed ? 'CHECK FAILED' : 'CHECK PASSED');
process.exit(failed ? 1 : 0);
