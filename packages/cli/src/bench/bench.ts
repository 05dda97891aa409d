/**
 * `clbench bench`: measured on the same network and batches in one process —
 *  1. raw tfjs loop vs the harness (naive), samples/s of one epoch (goal ratio ≥ 0.95); on wasm also
 *     the harness with wasm's own BatchMatMul kernel for transposed operands (wasm-matmul.ts off):
 *     the speed-up of clbench's kernel (goal ≥ 2×);
 *  2. every registered method's training throughput on its second task (where its
 *     penalty / masks are active) relative to naive (goals in OVERHEAD_GOALS), its consolidation
 *     time per task, and the tensor count after the run. A method that passes extra samples
 *     through each step (ER's replay batch, A-GEM's reference batch: `extraSamplesPerStep`) is
 *     also compared with naive stepping on as many samples — the floor its arithmetic sets
 *     (forward + backward cost grows linearly with the rows on a CPU) — and its goal applies there;
 *  3. pool scaling: one suite on 1 worker, N workers, N plain processes;
 *  4. memory on full MNIST (memory.ts): peak RSS of a fresh process with 1 and 2 workers.
 * In 1 each number is the best of `repeats` (the machine is shared; the best is the least disturbed);
 * in 2 a method's ratio to naive is the median over `repeats` of its run against the naive run just before.
 */
import { buildNetwork, initBackend, Rng, setFastTransposedMatMul, tf, trainContinual, type BackendName, type NetworkConfig, type TrainingConfig } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { getMethod, methodNames } from '@clbench/methods';
import { measurePoolThroughput, measureRawProcesses, parseSuite, type Throughput } from '@clbench/runner';
import { availableParallelism } from 'node:os';
import { measureMemory, memoryTable, type MemoryReport } from './memory.js';
import { rawEpoch } from './raw-loop.js';

export interface BenchOptions { backend: BackendName; repeats: number; hidden: number; log: (line: string) => void; methods?: string[]; pool: boolean; workers?: number;
  memory: boolean; /** A built clbench checkout to measure memory against (before/after). */ before?: string }

export interface BenchReport {
  backend: string;
  network: string;
  harness: { rawSamplesPerSecond: number; harnessSamplesPerSecond: number; ratio: number };
  /** wasm only: the harness with wasm's own kernel for transposed products, and clbench's speed-up over it. */
  transposedMatMul?: { ownKernelSamplesPerSecond: number; speedup: number };
  pool?: { suite: string; results: Throughput[]; poolVsProcesses: number };
  memory?: MemoryReport;
  methods: MethodBench[];
}

export interface MethodBench {
  method: string; samplesPerSecond: number; relativeToNaive: number;
  /** Time per step over naive's, in %. */
  overheadPct: number;
  /** Rows through forward + backward per step (training batch + extra); the overhead at equal rows
   *  compares the step with a naive step on as many rows (present only with extra rows). */
  samplesPerStep: number; equalSamplesOverheadPct?: number; floorPct?: number;
  goalPct?: number; consolidationSeconds: number[]; pruningSearchSeconds?: number[]; tensorsLeaked: number; peakRssMB: number;
}

/** Step-time overhead goals vs naive, % (issues 4 and 15); for replay methods at equal rows per step. */
export const OVERHEAD_GOALS: Record<string, number> = {
  clnp: 10, packnet: 20, l2: 20, ewc: 20, 'online-ewc': 20, si: 20, mas: 20, 'l1-change': 20, lwf: 20, er: 20, 'a-gem': 40, hat: 30,
};

const training: TrainingConfig = { optimizer: 'adam', lr: 1e-3, epochs: 1, batchSize: 128, validationFraction: 0.1, budget: 'consolidation-extra' };

export async function runBench(opts: BenchOptions): Promise<BenchReport> {
  const backend = await initBackend(opts.backend);
  const network: NetworkConfig = { layers: [{ type: 'dense', units: opts.hidden }, { type: 'dense', units: opts.hidden }] };
  const mnist = loadEmbeddedMnist();
  const best = (xs: number[]) => Math.max(...xs);

  // 1. raw loop vs harness on one 10-class task (all embedded training digits)
  const domain = buildScenario(mnist, { type: 'permuted', incremental: 'domain', tasks: 1 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false });
  /** samples/s of one naive epoch through the harness. */
  const harnessEpoch = async () => {
    const h = await trainContinual({ scenario: domain, network, training, method: getMethod('naive').create({}), rng: new Rng(0) });
    return h.samplesTrained / h.trainSeconds;
  };
  const raw: number[] = [], harness: number[] = [];
  for (let r = 0; r < opts.repeats; r++) {
    const net = buildNetwork(network, domain.inputShape, domain.headOutputs, new Rng(0));
    const rr = rawEpoch(net, domain.tasks[0].train, training.batchSize, training.lr, 0, 10);
    net.dispose();
    raw.push(rr.samples / rr.seconds);
    harness.push(await harnessEpoch());
    opts.log(`  repeat ${r + 1}: raw ${raw[r].toFixed(0)} samples/s, harness ${harness[r].toFixed(0)} samples/s`);
  }
  let transposedMatMul: BenchReport['transposedMatMul'];
  if (backend === 'wasm') {
    const own: number[] = [];
    setFastTransposedMatMul(false);
    try {
      for (let r = 0; r < opts.repeats; r++) {
        own.push(await harnessEpoch());
        opts.log(`  repeat ${r + 1}: harness with wasm's own transposed matMul ${own[r].toFixed(0)} samples/s`);
      }
    } finally { setFastTransposedMatMul(true); }
    transposedMatMul = { ownKernelSamplesPerSecond: best(own), speedup: best(harness) / best(own) };
  }

  // 2. methods on split MNIST (task-incremental), 2 tasks: throughput of task 2
  const split = buildScenario(mnist, { type: 'split', incremental: 'task', tasks: 2, classesPerTask: 2 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false });
  const names = (opts.methods ?? methodNames).filter((m) => getMethod(m).supports.includes('task'));
  const B = training.batchSize;
  /** One 2-task run; task 2's training samples/s (joint trains on both tasks' samples). */
  const taskTwo = async (name: string, hp: unknown, batchSize = B) => {
    const before = tf.memory().numTensors;
    const res = await trainContinual({ scenario: split, network, training: { ...training, batchSize }, method: getMethod(name).create(hp), rng: new Rng(0) });
    const samples = split.tasks[1].train.n * (name === 'joint' ? 2 : 1);
    return { sps: samples / res.taskSeconds[1], res, leaked: tf.memory().numTensors - before };
  };
  // Each repeat runs naive right before the method (and, for a method with extra rows, naive on as
  // many rows right after): ratios of neighbouring runs cancel the slow drifts of a shared machine;
  // the median over repeats is reported.
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const methods: MethodBench[] = [];
  for (const name of ['naive', ...names.filter((n) => n !== 'naive')]) {
    const def = getMethod(name);
    const hp = def.hyperparameters.parse({});
    const extra = def.extraSamplesPerStep?.(hp, B) ?? 0;
    const sps: number[] = [], vsNaive: number[] = [], vsEqualRows: number[] = [], floor: number[] = [];
    let consolidation: number[] = [], leaked = 0, search: number[] | undefined;
    for (let r = 0; r < opts.repeats; r++) {
      const naiveSps = (await taskTwo('naive', {})).sps;
      const run = await taskTwo(name, hp);
      sps.push(run.sps); vsNaive.push(run.sps / naiveSps); leaked = run.leaked; consolidation = run.res.consolidationSeconds;
      const clnpTasks = (run.res.diagnostics.clnp as { tasks?: { searchSeconds: number }[] } | undefined)?.tasks;
      if (clnpTasks) search = clnpTasks.map((t) => t.searchSeconds);
      if (extra > 0) {
        const equalStep = (B + extra) / (await taskTwo('naive', {}, B + extra)).sps;   // a naive step on B + extra rows
        vsEqualRows.push((B / run.sps) / equalStep); floor.push(equalStep / (B / naiveSps));
      }
    }
    const rel = median(vsNaive);
    methods.push({
      method: name, samplesPerSecond: best(sps), relativeToNaive: rel, overheadPct: 100 * (1 / rel - 1), samplesPerStep: B + extra, goalPct: OVERHEAD_GOALS[name],
      ...(extra > 0 ? { equalSamplesOverheadPct: 100 * (median(vsEqualRows) - 1), floorPct: 100 * (median(floor) - 1) } : {}),
      consolidationSeconds: consolidation, ...(search ? { pruningSearchSeconds: search } : {}), tensorsLeaked: leaked, peakRssMB: process.resourceUsage().maxRSS / 1024,
    });
    opts.log(`  ${name}: ${best(sps).toFixed(0)} samples/s, ${rel.toFixed(3)} × naive (median of ${opts.repeats} neighbouring pairs)`);
  }
  // 3. pool scaling: the same small suite on 1 worker, N workers, and N plain processes
  let pool: BenchReport['pool'];
  if (opts.pool) {
    const n = opts.workers ?? availableParallelism();
    const suite = parseSuite({
      name: 'bench-pool', dataset: { name: 'mnist', limit: 300 }, scenario: { type: 'split', tasks: 5 }, network,
      training: { epochs: 1 }, methods: [{ name: 'naive' }], seeds: Array.from({ length: 2 * n }, (_, i) => i),
    }, '<bench pool suite>');
    const results: Throughput[] = [];
    for (const [label, f] of [['pool, 1 worker', () => measurePoolThroughput(suite, { workers: 1, backend: opts.backend })],
      [`pool, ${n} workers`, () => measurePoolThroughput(suite, { workers: n, backend: opts.backend })],
      [`${n} plain processes`, () => measureRawProcesses(suite, { processes: n, backend: opts.backend })]] as const) {
      const t = await f();
      results.push(t);
      opts.log(`  ${label}: ${t.samplesPerSecond.toFixed(0)} samples/s (${t.runs} runs in ${t.wallSeconds.toFixed(1)} s)`);
    }
    pool = { suite: `split MNIST 5 tasks, 300 digits/class, naive × ${2 * n} seeds`, results, poolVsProcesses: results[1].samplesPerSecond / results[2].samplesPerSecond };
  }

  // 4. memory on full MNIST: the 2×400 network, whatever --hidden says
  let memory: BenchReport['memory'];
  if (opts.memory) {
    const layers: NetworkConfig['layers'] = [{ type: 'dense', units: 400 }, { type: 'dense', units: 400 }];
    memory = measureMemory({ backend: opts.backend, network: { layers }, before: opts.before, log: opts.log });
  }

  return {
    pool, memory, transposedMatMul,
    backend, network: `784-${opts.hidden}-${opts.hidden}, batch ${training.batchSize}, Adam`,
    harness: { rawSamplesPerSecond: best(raw), harnessSamplesPerSecond: best(harness), ratio: best(harness) / best(raw) },
    methods,
  };
}

export function benchTable(r: BenchReport): string {
  const lines = [
    `backend ${r.backend}; network ${r.network}`, '',
    '| loop | samples/s | ratio |', '|---|---|---|',
    `| raw tfjs | ${r.harness.rawSamplesPerSecond.toFixed(0)} | 1.00 |`,
    `| harness (naive) | ${r.harness.harnessSamplesPerSecond.toFixed(0)} | ${r.harness.ratio.toFixed(3)} (goal ≥ 0.95) |`,
    ...(r.transposedMatMul ? [`| harness, wasm's own kernel for transposed products | ${r.transposedMatMul.ownKernelSamplesPerSecond.toFixed(0)} | clbench's kernel (wasm-matmul.ts) is ${r.transposedMatMul.speedup.toFixed(2)}× faster (goal ≥ 2) |`] : []), '',
    '| method | samples/s (task 2) | vs naive | overhead per step | rows per step | floor (naive on as many rows) | overhead at equal rows | goal | consolidation s per task | tensors left | peak RSS MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.methods.map(methodRow),
    '', 'vs naive: median over the repeats of the method\'s task-2 throughput over that of the naive run just before it; naive\'s own row compares two naive runs (the noise).',
    'Replay methods pass more rows per step than the batch: their goal applies at equal rows (a naive step on as many rows); the floor is that naive step over a plain one.',
    '', ...r.methods.filter((m) => m.pruningSearchSeconds).map((m) => `${m.method}: pruning search (activity + threshold search) per task: ${m.pruningSearchSeconds!.map((s) => s.toFixed(2)).join(', ')} s; the rest of its consolidation time is fine-tuning`),
  ];
  if (r.pool) {
    lines.push('', `pool scaling (${r.pool.suite}):`, '', '| mode | workers | runs | wall s | samples/s |', '|---|---|---|---|---|',
      ...r.pool.results.map((t) => `| ${t.mode} | ${t.workers} | ${t.runs} | ${t.wallSeconds.toFixed(1)} | ${t.samplesPerSecond.toFixed(0)} |`),
      '', `pool / plain processes = ${r.pool.poolVsProcesses.toFixed(3)} (goal ≥ 0.9)`);
  }
  if (r.memory) lines.push('', ...memoryTable(r.memory));
  return lines.join('\n');
}

function methodRow(m: MethodBench): string {
  const pct = (x: number | undefined) => (x === undefined ? '—' : `${x.toFixed(1)} %`);
  const judged = m.equalSamplesOverheadPct ?? m.overheadPct;
  const goal = m.goalPct === undefined ? '—' : `≤ ${m.goalPct} %${m.equalSamplesOverheadPct === undefined ? '' : ' at equal rows'} ${judged <= m.goalPct ? '(met)' : '(missed)'}`;
  return `| ${m.method} | ${m.samplesPerSecond.toFixed(0)} | ${m.relativeToNaive.toFixed(3)} | ${pct(m.overheadPct)} | ${m.samplesPerStep} | ${pct(m.floorPct)} | ${pct(m.equalSamplesOverheadPct)} | ${goal} | ${m.consolidationSeconds.map((s) => s.toFixed(2)).join(', ')} | ${m.tensorsLeaked} | ${m.peakRssMB.toFixed(0)} |`;
}
