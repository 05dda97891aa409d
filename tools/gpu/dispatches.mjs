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
 * tfjs ops, the 3-program Adam and the batch copied from the CPU, the webgpu path before issue 26) and
 * `after` (core/webgpu-*.ts: the batch gathered from rows resident on the device).
 * The counts do not depend on layer sizes; the CPU time hardly does on the null backend.
 *   node tools/gpu/dispatches.mjs [--repeats R] [--units U] [--markdown FILE] [--trace] [method ...]
 * --trace prints one naive step's programs, uploads, breaks and submits (after, then before).
 */
import { writeFileSync } from 'node:fs';
import { gpuAdapter, initBackend, Rng, setWebgpuKernels, tf, trainContinual } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { getMethod, methodNames } from '@clbench/methods';
import { countWebgpu, stepCosts } from '@clbench/runner';

const args = process.argv.slice(2);
const option = (name, fallback) => { const i = args.indexOf(name); if (i < 0) return fallback; const v = args[i + 1]; args.splice(i, 2); return v; };
const repeats = Number(option('--repeats', '3')), units = Number(option('--units', '64')), markdown = option('--markdown', null);
const trace = args.includes('--trace') ? (args.splice(args.indexOf('--trace'), 1), true) : false;
const methods = args.length ? args : methodNames;
for (const m of methods) getMethod(m);                                       // an unknown name fails here, before any run

await initBackend('webgpu');
const network = { layers: [{ type: 'dense', units }, { type: 'dense', units }] };
const mnist = loadEmbeddedMnist();

if (trace) {
  const events = [];
  countWebgpu((e) => events.push(e));
  for (const on of [true, false]) {
    setWebgpuKernels(on);
    const def = getMethod('naive'), method = def.create({});
    let n = 0, at = 0;
    method.afterStep = () => { n++; if (n === 30) at = events.length; if (n === 31) { console.log(`naive, ${on ? 'after' : 'before'}: one step\n${events.slice(at).join('\n')}`); throw new Error('loss is traced'); } };
    const scenario = buildScenario(mnist, { type: 'split', incremental: 'task', tasks: 2, classesPerTask: 2 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false });
    await trainContinual({ scenario, network, training: { optimizer: 'adam', lr: 1e-3, epochs: 4, batchSize: 256, validationFraction: 0.1 }, method, rng: new Rng(0) }).catch(() => {});
    events.length = 0;
  }
  process.exit(0);
}

/** Per method and path: each run's per-step means (stepCosts, packages/runner/src/bench/webgpu.ts). */
const results = new Map(methods.map((m) => [m, { before: [], after: [] }]));
for (let r = 0; r < repeats; r++) {
  for (const m of methods) {
    for (const path of ['before', 'after']) {                               // interleaved: the machine's drift hits both alike
      setWebgpuKernels(path === 'after');
      const run = await stepCosts(m, network);
      if (run.steps) results.get(m)[path].push(run);
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
  '| method | programs / step before | after | ratio | uploads / step before | after | bytes to the device / step before | after | pass breaks / step before | after | submits / step before | after | CPU ms / step before | after | ratio | wall ms / step before | after | steps |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const [m, { before, after }] of results) {
  if (!before.length || !after.length) { lines.push(`| ${m} | no training steps measured |${' |'.repeat(17)}`); continue; }
  /** Mean over runs (counts), median over runs (times: a burst of load on the machine hits one run). */
  const k = (xs, key) => mean(xs.map((s) => s[key]));
  const t = (xs, key) => median(xs.map((s) => s[key]));
  const cpuB = t(before, 'cpuMs'), cpuA = t(after, 'cpuMs');
  lines.push(`| ${m} | ${f1(k(before, 'programs'))} | ${f1(k(after, 'programs'))} | ${f2(k(before, 'programs') / k(after, 'programs'))} | ${f1(k(before, 'uploads'))} | ${f1(k(after, 'uploads'))} | ${k(before, 'bytes').toFixed(0)} | ${k(after, 'bytes').toFixed(0)} | ${f1(k(before, 'breaks'))} | ${f1(k(after, 'breaks'))} | ${f1(k(before, 'submits'))} | ${f1(k(after, 'submits'))} | ${f2(cpuB)} | ${f2(cpuA)} | ${f2(cpuB / cpuA)} | ${f2(t(before, 'wallMs'))} | ${f2(t(after, 'wallMs'))} | ${after.reduce((a, s) => a + s.steps, 0)} |`);
}
lines.push('', 'Per training step (stepCosts, packages/runner/src/bench/webgpu.ts: split MNIST, 2 tasks, 4 epochs, a method\'s afterStep to the next, its loss read every 32 steps included; a task\'s first two steps, which compile shaders, left out): counts are means; CPU ms is the process\'s own (user + system, process.cpuUsage: what other processes on the machine take is not in it) and wall ms the steps\' wall time over their number, each the median over runs of the run\'s mean. uploads: tensors copied from the CPU through tfjs; bytes: all data written to the device (uploads and queue writes, uniforms left out). before: setWebgpuKernels(false), the webgpu path before issue 26; after: core/webgpu-*.ts.');
console.log(lines.join('\n'));
if (markdown) writeFileSync(markdown, `${lines.join('\n')}\n`);
process.exit(0);
