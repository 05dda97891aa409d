#!/usr/bin/env node
/**
 * What a training step records on the webgpu backend, per method: GPU programs (compute
 * dispatches, tfjs's and ours), tensor uploads (data and scalars copied from the CPU), compute-pass
 * breaks (a copy or a submit ends the open pass) and submits; and its CPU time. On tfjs-webgpu in
 * Node each program costs ~0.1–0.4 ms of CPU (issue 13, issue 26), so the count bounds a step's
 * time. Needs a computing or null adapter: on a CPU machine `CLBENCH_DAWN_BACKEND=null` (records
 * exactly what a GPU gets, computes nothing: the CPU time is the recording's) or `opengles`.
 *
 * Both code paths run in one process, interleaved run by run: `before` (setWebgpuKernels(false):
 * tfjs ops and the 3-program Adam, the webgpu path before issue 26) and `after` (core/webgpu-*.ts).
 * The counts do not depend on layer sizes; the CPU time hardly does on the null backend.
 *   node tools/gpu/dispatches.mjs [--repeats R] [--units U] [--markdown FILE] [--trace] [method ...]
 * --trace prints one naive step's programs, uploads, breaks and submits (after, then before).
 */
import { writeFileSync } from 'node:fs';
import { gpuAdapter, initBackend, Rng, setWebgpuKernels, tf, trainContinual } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { getMethod, methodNames } from '@clbench/methods';

const args = process.argv.slice(2);
const option = (name, fallback) => { const i = args.indexOf(name); if (i < 0) return fallback; const v = args[i + 1]; args.splice(i, 2); return v; };
const repeats = Number(option('--repeats', '3')), units = Number(option('--units', '64')), markdown = option('--markdown', null);
const trace = args.includes('--trace') ? (args.splice(args.indexOf('--trace'), 1), true) : false;
const methods = args.length ? args : methodNames;
for (const m of methods) getMethod(m);                                       // an unknown name fails here, before any run

await initBackend('webgpu');
const backend = tf.backend();
const counts = { programs: 0, uploads: 0, breaks: 0, submits: 0 };
const events = [];
/** Call `f` (for counting) before each call of obj[name]. */
const spy = (obj, name, f) => { const original = obj[name]; obj[name] = function (...a) { f.apply(this, a); return original.apply(this, a); }; };
spy(globalThis.GPUComputePassEncoder.prototype, 'dispatchWorkgroups', () => { counts.programs++; if (trace) events.push('program'); });
spy(backend, 'runWebGPUProgram', (p) => { if (trace) events.push(`  (tfjs ${p.constructor.name})`); });
spy(tf.engine(), 'runKernel', (name) => { if (trace && name.startsWith('Clbench')) events.push(`  (${name})`); });
spy(backend, 'uploadToGPU', function (id) { const d = this.tensorMap.get(id); if (d.values && !d.resource) { counts.uploads++; if (trace) events.push(`upload [${d.shape}]`); } });
spy(backend, 'endComputePassEncoder', function () { if (this.computePassEncoder) { counts.breaks++; if (trace) events.push('pass break'); } });
spy(backend, 'submitQueue', () => { counts.submits++; if (trace) events.push('submit'); });

const mnist = loadEmbeddedMnist();
/** One run of `name` on the current path: per training step (after the first two of the run, which compile shaders), the counts and ms. */
async function measure(name) {
  const def = getMethod(name);
  const incremental = def.supports.includes('task') ? 'task' : def.supports[0];
  const scenario = buildScenario(mnist, { type: 'split', incremental, tasks: 2, classesPerTask: 2 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false });
  const method = def.create(def.hyperparameters.parse({}));
  const steps = [];
  let last = null, seen = 0;
  const own = method.afterStep?.bind(method);
  // A step ends at afterStep: between two of one task's training steps lie that step's whole work (the loss reads every 32 steps included).
  method.afterStep = (step) => {
    own?.(step);
    if (step.phase !== 'training') { last = null; return; }
    const cpu = process.cpuUsage();
    const now = { ...counts, cpu: (cpu.user + cpu.system) / 1000, wall: performance.now(), task: step.taskId };
    if (last && last.task === now.task && ++seen > 2) steps.push(Object.fromEntries(['programs', 'uploads', 'breaks', 'submits', 'cpu', 'wall'].map((k) => [k, now[k] - last[k]])));
    last = now;
  };
  try {
    await trainContinual({
      scenario, network: { layers: [{ type: 'dense', units }, { type: 'dense', units }] },
      training: { optimizer: 'adam', lr: 1e-3, epochs: 4, batchSize: 256, validationFraction: 0.1 },
      method, rng: new Rng(0),
    });
  } catch (e) {
    if (!/^loss is/.test(e.message)) throw e;                               // the null backend's garbage may diverge: the steps before count
  }
  return steps;
}

if (trace) {
  for (const on of [true, false]) {
    setWebgpuKernels(on);
    const def = getMethod('naive'), method = def.create({});
    let n = 0, at = 0;
    method.afterStep = () => { n++; if (n === 30) at = events.length; if (n === 31) { console.log(`naive, ${on ? 'after' : 'before'}: one step\n${events.slice(at).join('\n')}`); throw new Error('loss is traced'); } };
    const scenario = buildScenario(mnist, { type: 'split', incremental: 'task', tasks: 2, classesPerTask: 2 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false });
    await trainContinual({ scenario, network: { layers: [{ type: 'dense', units }, { type: 'dense', units }] }, training: { optimizer: 'adam', lr: 1e-3, epochs: 4, batchSize: 256, validationFraction: 0.1 }, method, rng: new Rng(0) }).catch(() => {});
    events.length = 0;
  }
  process.exit(0);
}

const results = new Map(methods.map((m) => [m, { before: [], after: [] }]));
/** Per method and path: each run's mean CPU ms per step (the table gives their median: a burst of load on the machine hits one run). */
const runs = new Map(methods.map((m) => [m, {}]));
for (let r = 0; r < repeats; r++) {
  for (const m of methods) {
    for (const path of ['before', 'after']) {                               // interleaved: the machine's drift hits both alike
      setWebgpuKernels(path === 'after');
      const steps = await measure(m);
      results.get(m)[path].push(...steps);
      if (steps.length) (runs.get(m)[path] ??= []).push(steps.reduce((a, s) => a + s.cpu, 0) / steps.length);
    }
  }
}
setWebgpuKernels(true);

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const f1 = (x) => x.toFixed(1), f2 = (x) => x.toFixed(2);
const adapter = gpuAdapter();
const lines = [
  `adapter ${adapter.device} (Dawn ${adapter.dawnBackend}); network 784-${units}-${units}, Adam, batch 256; ${repeats} run(s) per method and path, interleaved`,
  '',
  '| method | programs / step before | after | ratio | uploads / step before | after | pass breaks / step before | after | submits / step before | after | CPU ms / step before | after | ratio | wall ms / step before | after | steps |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const [m, { before, after }] of results) {
  if (!before.length || !after.length) { lines.push(`| ${m} | no training steps measured | | | | | | | | | | | | | | |`); continue; }
  const k = (xs, key) => mean(xs.map((s) => s[key]));
  const wall = (xs) => median(xs.map((s) => s.wall));
  const cpuB = median(runs.get(m).before), cpuA = median(runs.get(m).after);
  lines.push(`| ${m} | ${f1(k(before, 'programs'))} | ${f1(k(after, 'programs'))} | ${f2(k(before, 'programs') / k(after, 'programs'))} | ${f1(k(before, 'uploads'))} | ${f1(k(after, 'uploads'))} | ${f1(k(before, 'breaks'))} | ${f1(k(after, 'breaks'))} | ${f1(k(before, 'submits'))} | ${f1(k(after, 'submits'))} | ${f2(cpuB)} | ${f2(cpuA)} | ${f2(cpuB / cpuA)} | ${f2(wall(before))} | ${f2(wall(after))} | ${after.length} |`);
}
lines.push('', 'Per training step (a method\'s afterStep to the next, its loss read every 32 steps included; the first two steps of a run, which compile shaders, left out): counts are means over all steps; CPU ms is the process\'s own (user + system, process.cpuUsage: what other processes on the machine take is not in it), the median over runs of each run\'s mean; wall ms the median step. uploads: tensors copied from the CPU (the batch\'s x and labels are 2 of them). before: setWebgpuKernels(false), the webgpu path before issue 26; after: core/webgpu-*.ts.');
console.log(lines.join('\n'));
if (markdown) writeFileSync(markdown, `${lines.join('\n')}\n`);
process.exit(0);
