#!/usr/bin/env node
/**
 * GPU programs dispatched per training step on the webgpu backend (issue 13: on tfjs-webgpu in
 * Node each dispatch costs ~0.4 ms, so the count bounds a step's time). Needs a computing or null
 * adapter: on a CPU machine `CLBENCH_DAWN_BACKEND=opengles` (Mesa's llvmpipe) or `null`.
 * The count does not depend on layer sizes: a 784-64-64-10 network stands in for the paper's
 * 784-2000-2000-10. Run twice to compare: as is (fused Adam) and with CLBENCH_WEBGPU_ADAM=ops.
 *   node tools/gpu/dispatches.mjs [method ...]
 */
import { gpuAdapter, hasFusedAdam, initBackend, Rng, tf, trainContinual } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { getMethod } from '@clbench/methods';

await initBackend('webgpu');
const backend = tf.backend(), original = backend.runWebGPUProgram;
let programs = 0;
backend.runWebGPUProgram = function (...a) { programs++; return original.apply(this, a); };
console.log(`adapter ${gpuAdapter().device} (${gpuAdapter().dawnBackend}); Adam update: ${hasFusedAdam() ? 'fused (3 programs per parameter)' : 'written out (CLBENCH_WEBGPU_ADAM=ops)'}`);
const scenario = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'task', tasks: 2, classesPerTask: 2 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false });
// Losses are read in bursts (every 32 steps, and at an epoch's end): the programs between two bursts
// belong to that burst's steps (plus the read itself). The first burst of a task also holds the
// task's set-up and the previous evaluation: it is left out.
for (const name of process.argv.length > 2 ? process.argv.slice(2) : ['naive', 'ewc', 'clnp', 'er']) {
  const def = getMethod(name);
  const perTask = new Map();
  let last = -1, burstSteps = 0, burstStart = 0, firstOfTask = true;
  await trainContinual({
    scenario, network: { layers: [{ type: 'dense', units: 64 }, { type: 'dense', units: 64 }] },
    training: { optimizer: 'adam', lr: 1e-3, epochs: 3, batchSize: 256, validationFraction: 0.1 },
    method: def.create(def.hyperparameters.parse({})), rng: new Rng(0),
    onProgress: (p) => {
      if (programs !== last) {                                       // a new burst: close the previous one
        if (burstSteps && !firstOfTask) (perTask.get(p.task) ?? perTask.set(p.task, []).get(p.task)).push((last - burstStart) / burstSteps);
        firstOfTask = p.epoch === 0 && p.step < 32; burstStart = last; burstSteps = 0; last = programs;
      }
      burstSteps++;
    },
  });
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`${name}: GPU programs per training step (incl. the loss read), by task: ${[...perTask.values()].map((xs) => mean(xs).toFixed(1)).join(' / ')}`);
}
process.exit(0);
