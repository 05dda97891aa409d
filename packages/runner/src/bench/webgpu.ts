/**
 * `clbench bench --backend webgpu` (issue 26): what a training step costs on the webgpu backend,
 * and what several runs sharing one GPU reach together.
 *  1. per method (stepCosts): GPU programs, tfjs uploads, bytes of data written to the device,
 *     compute-pass breaks and submits per step (exact on any adapter: Dawn's null backend records
 *     what a GPU gets), CPU ms per step (the process's user + system time) and wall ms per step
 *     (the steps' wall time over their number: the loss reads, which wait for the GPU, included);
 *  2. with workers N, M, … (sharedDevice): a suite of N naive runs on N processes sharing device 0
 *     (runSuite with devices ['0'], as `clbench run --workers N --devices 0`), aggregate training
 *     steps per second, against 1 process.
 * Null and llvmpipe adapters are allowed: their counts are a GPU's, their times are not.
 */
import { gpuAdapter, Rng, trainContinual, type NetworkConfig, type RunResult } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { getMethod, type MethodName } from '@clbench/methods';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSuite } from '../run-suite.js';
import { parseSuite } from '../suite-file.js';
import { countWebgpu, type WebgpuCounts } from './webgpu-counters.js';

/** Batch of every webgpu measurement (the paper-scale runs' batch, issue 26's goals). */
export const WEBGPU_BATCH = 256;

export interface StepCosts extends WebgpuCounts {
  method: MethodName;
  /** Steps measured (a task's first two, which compile shaders, left out). */
  steps: number;
  cpuMs: number;
  wallMs: number;
}

/** Per step of `name`'s training (2 tasks of split MNIST, embedded digits, `epochs` epochs each, batch 256): the counts and times. */
export async function stepCosts(name: MethodName, network: NetworkConfig, epochs = 4): Promise<StepCosts> {
  const def = getMethod(name);
  const incremental = def.supports.includes('task') ? 'task' : def.supports[0];
  const scenario = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental, tasks: 2, classesPerTask: 2 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false });
  const method = def.create(def.hyperparameters.parse({}));
  const { counts, restore } = countWebgpu();
  const sum: WebgpuCounts & { cpu: number; wall: number; steps: number } = { programs: 0, uploads: 0, bytes: 0, breaks: 0, submits: 0, cpu: 0, wall: 0, steps: 0 };
  let last: (WebgpuCounts & { cpu: number; wall: number; task: number }) | null = null, inTask = 0;
  const own = method.afterStep?.bind(method);
  // A step ends at its afterStep: between two of a task's training steps lies one step's whole work.
  method.afterStep = (step) => {
    own?.(step);
    if (step.phase !== 'training') { last = null; return; }
    const cpu = process.cpuUsage();
    const now = { ...counts, cpu: (cpu.user + cpu.system) / 1000, wall: performance.now(), task: step.taskId };
    if (last?.task !== now.task) inTask = 0;
    if (last && last.task === now.task && ++inTask > 2) {
      for (const k of ['programs', 'uploads', 'bytes', 'breaks', 'submits', 'cpu', 'wall'] as const) sum[k] += now[k] - last[k];
      sum.steps++;
    }
    last = now;
  };
  try {
    await trainContinual({ scenario, network, training: { optimizer: 'adam', lr: 1e-3, epochs, batchSize: WEBGPU_BATCH, validationFraction: 0.1, budget: 'consolidation-extra' }, method, rng: new Rng(0) });
  } catch (e) {
    if (!/^loss is/.test((e as Error).message)) throw e;                   // the null backend's garbage may diverge: the steps before count
  } finally {
    restore();
  }
  const per = (x: number) => (sum.steps ? x / sum.steps : NaN);
  return { method: name, steps: sum.steps, programs: per(sum.programs), uploads: per(sum.uploads), bytes: per(sum.bytes), breaks: per(sum.breaks), submits: per(sum.submits), cpuMs: per(sum.cpu), wallMs: per(sum.wall) };
}

export interface SharedDeviceRow {
  /** Processes on device 0, one run each. */
  workers: number;
  runs: number;
  failed: number;
  /** The suite's wall time, the processes' start-up included. */
  wallSeconds: number;
  /** Training steps of all runs per wall second of the suite. */
  stepsPerSecond: number;
  /** Σ over runs of the run's steps over its training seconds (start-up and evaluation left out). */
  trainStepsPerSecond: number;
  /** trainStepsPerSecond over that of 1 process. */
  speedup: number;
}

/** Permuted MNIST on the embedded digits: 2 tasks of ~8 100 training rows, naive, one run per process. */
function sharedSuite(network: NetworkConfig, runs: number, epochs: number, limit?: number) {
  return parseSuite({
    name: 'bench-webgpu-shared', dataset: { name: 'mnist', ...(limit ? { limit } : {}) }, scenario: { type: 'permuted', incremental: 'domain', tasks: 2 }, network,
    training: { optimizer: 'adam', lr: 1e-3, epochs, batchSize: WEBGPU_BATCH }, methods: [{ name: 'naive' }], seeds: Array.from({ length: runs }, (_, i) => i),
  }, '<bench webgpu shared-device suite>');
}

const stepsOf = (r: RunResult) => (r.status === 'ok' && r.steps ? [...r.steps.train, ...r.steps.consolidation].reduce((a, b) => a + b, 0) : 0);

/** For each N of `workers` (ascending, 1 first): N naive runs at once on N processes sharing device 0. */
export async function sharedDevice(opts: { network: NetworkConfig; workers: number[]; epochs?: number; limit?: number; log: (l: string) => void }): Promise<SharedDeviceRow[]> {
  const rows: SharedDeviceRow[] = [];
  const counts = [...new Set([1, ...opts.workers])].sort((a, b) => a - b);
  for (const n of counts) {
    const dir = mkdtempSync(join(tmpdir(), 'clbench-bench-webgpu-'));
    try {
      const t0 = performance.now();
      const s = await runSuite(sharedSuite(opts.network, n, opts.epochs ?? 2, opts.limit), { out: dir, backend: 'webgpu', devices: ['0'], workers: n, fresh: true, checkpoints: false });
      const wallSeconds = (performance.now() - t0) / 1000;
      const steps = s.results.reduce((a, r) => a + stepsOf(r), 0);
      const trainStepsPerSecond = s.results.reduce((a, r) => a + (r.status === 'ok' ? stepsOf(r) / r.timing.trainSeconds : 0), 0);
      const row = { workers: n, runs: s.results.length, failed: s.failed, wallSeconds, stepsPerSecond: steps / wallSeconds, trainStepsPerSecond, speedup: trainStepsPerSecond / (rows[0]?.trainStepsPerSecond ?? trainStepsPerSecond) };
      rows.push(row);
      const failure = s.results.find((r) => r.status === 'failed')?.error;
      opts.log(`  ${n} process(es) on device 0: ${row.trainStepsPerSecond.toFixed(1)} training steps/s (${row.speedup.toFixed(2)}× 1 process), ${row.stepsPerSecond.toFixed(1)} steps per wall s, ${s.failed} failed${failure ? ` (${failure})` : ''}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

export interface WebgpuBenchReport {
  backend: 'webgpu';
  adapter: string;
  network: string;
  steps: StepCosts[];
  shared?: SharedDeviceRow[];
}

export async function runWebgpuBench(opts: { hidden: number; methods: readonly MethodName[]; workers?: number[]; log: (l: string) => void }): Promise<WebgpuBenchReport> {
  const network: NetworkConfig = { layers: [{ type: 'dense', units: opts.hidden }, { type: 'dense', units: opts.hidden }] };
  const steps: StepCosts[] = [];
  for (const m of opts.methods) {
    steps.push(await stepCosts(m, network));
    const s = steps[steps.length - 1];
    opts.log(`  ${m}: ${s.programs.toFixed(1)} programs, ${s.cpuMs.toFixed(2)} CPU ms, ${s.wallMs.toFixed(2)} wall ms per step (${s.steps} steps)`);
  }
  const shared = opts.workers?.length ? await sharedDevice({ network, workers: opts.workers, log: opts.log }) : undefined;
  const a = gpuAdapter();
  return { backend: 'webgpu', adapter: a ? `${a.device || a.description} (Dawn ${a.dawnBackend})` : 'none', network: `784-${opts.hidden}-${opts.hidden}, batch ${WEBGPU_BATCH}, Adam`, steps, ...(shared && { shared }) };
}

/** Markdown of a webgpu bench report. */
export function webgpuBenchTable(r: WebgpuBenchReport): string {
  const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const lines = [`backend webgpu, adapter ${r.adapter}; network ${r.network}`, ''];
  if (r.steps.length) lines.push(
    '| method | programs / step | tfjs uploads / step | bytes to the device / step | pass breaks / step | submits / step | CPU ms / step | wall ms / step | steps |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.steps.map((s) => `| ${s.method} | ${f(s.programs)} | ${f(s.uploads)} | ${f(s.bytes, 0)} | ${f(s.breaks)} | ${f(s.submits)} | ${f(s.cpuMs, 2)} | ${f(s.wallMs, 2)} | ${s.steps} |`),
    '', 'Per training step of split MNIST (2 tasks, 4 epochs; a task\'s first two steps, which compile shaders, left out): counts are means; CPU ms is the process\'s own (user + system); wall ms is the steps\' wall time over their number (the loss reads every 32 steps, which wait for the GPU, included). On Dawn\'s null backend the counts are a GPU\'s, the times are the CPU\'s recording alone.');
  if (r.shared) {
    lines.push(...(r.steps.length ? [''] : []), 'several runs on one GPU (`clbench run --workers N --devices 0`: N processes on device 0; permuted MNIST, embedded digits, 2 tasks, naive, one run per process):', '',
      '| processes | runs | failed | wall s | steps / wall s | training steps / s (Σ over runs) | vs 1 process |', '|---|---|---|---|---|---|---|',
      ...r.shared.map((s) => `| ${s.workers} | ${s.runs} | ${s.failed} | ${f(s.wallSeconds)} | ${f(s.stepsPerSecond)} | ${f(s.trainStepsPerSecond)} | ${f(s.speedup, 2)} |`));
  }
  return lines.join('\n');
}
