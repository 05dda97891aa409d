/**
 * Benchmark 2: every chosen method's training throughput on the second task of split MNIST
 * (task-incremental, 2 tasks; where its penalty / masks are active) relative to naive (goals in
 * goals.ts), its consolidation time per task, and the tensor count after the run. A method that
 * passes extra samples through each step (ER's replay batch, A-GEM's reference batch:
 * `extraSamplesPerStep`) is also compared with naive stepping on as many samples — the floor its
 * arithmetic sets (forward + backward cost grows linearly with the rows on a CPU) — and its goal
 * applies there. A method's ratio to naive is the median over `repeats` of its run against the
 * naive run just before it. Runs go through `trainContinual` only: no method hook is called here.
 * A method whose task takes no training step and trains only in afterTask (GDumb: from scratch on
 * its memory at each evaluation point) is timed on those steps instead: its seconds per retraining
 * step against naive's seconds per step, and its retraining time and steps per evaluation.
 */
import { Rng, tf, trainContinual, type NetworkConfig, type TrainResult } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { getMethod, methodNames, type MethodName } from '@clbench/methods';
import { clnpTaskDiagnostics } from './clnp-diagnostics.js';
import { OVERHEAD_GOALS } from './goals.js';
import { BENCH_TRAINING, type MethodBench } from './types.js';

export interface MethodsBenchOptions {
  network: NetworkConfig;
  repeats: number;
  /** Methods to measure (default: all registered); those without task-incremental support are skipped, naive always runs first. */
  methods?: readonly MethodName[];
  log: (line: string) => void;
}

const best = (xs: number[]) => Math.max(...xs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** The methods benchmark 2 measures, in order: naive first, then the chosen task-incremental ones. */
export function benchedMethods(methods: readonly MethodName[] = methodNames): MethodName[] {
  const names = methods.filter((m) => getMethod(m).supports.includes('task'));
  return ['naive', ...names.filter((n) => n !== 'naive')];
}

export async function benchMethods(opts: MethodsBenchOptions): Promise<MethodBench[]> {
  const { network } = opts;
  const training = BENCH_TRAINING;
  const split = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'task', tasks: 2, classesPerTask: 2 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false });
  const B = training.batchSize;
  /** One 2-task run; task 2's training samples/s (joint trains on both tasks' samples). */
  const taskTwo = async (name: MethodName, hp: unknown, batchSize = B): Promise<{ sps: number; stepSeconds: number; retrainsOnly: boolean; res: TrainResult; leaked: number }> => {
    const before = tf.memory().numTensors;
    const res = await trainContinual({ scenario: split, network, training: { ...training, batchSize }, method: getMethod(name).create(hp), rng: new Rng(0) });
    const samples = split.tasks[1].train.n * (name === 'joint' ? 2 : 1);
    const retrainsOnly = res.steps.train[1] === 0 && res.steps.consolidation[1] > 0;     // GDumb: every step is in afterTask
    const stepSeconds = retrainsOnly ? res.consolidationSeconds[1] / res.steps.consolidation[1] : res.taskSeconds[1] / res.steps.train[1];
    return { sps: retrainsOnly ? batchSize / stepSeconds : samples / res.taskSeconds[1], stepSeconds, retrainsOnly, res, leaked: tf.memory().numTensors - before };
  };
  // Each repeat runs naive right before the method (and, for a method with extra rows, naive on as
  // many rows right after): ratios of neighbouring runs cancel the slow drifts of a shared machine;
  // the median over repeats is reported.
  const results: MethodBench[] = [];
  for (const name of benchedMethods(opts.methods)) {
    const def = getMethod(name);
    const hp = def.hyperparameters.parse({});
    const extra = def.extraSamplesPerStep?.(hp, B) ?? 0;
    const sps: number[] = [], vsNaive: number[] = [], vsEqualRows: number[] = [], floor: number[] = [];
    let consolidation: number[] = [], leaked = 0, search: number[] | undefined, retraining: MethodBench['retraining'];
    for (let r = 0; r < opts.repeats; r++) {
      const naiveRun = await taskTwo('naive', {});
      const run = await taskTwo(name, hp);
      sps.push(run.sps); leaked = run.leaked; consolidation = run.res.consolidationSeconds;
      // a retraining-only method: its seconds per step against naive's (both plain steps on the batch)
      vsNaive.push(run.retrainsOnly ? naiveRun.stepSeconds / run.stepSeconds : run.sps / naiveRun.sps);
      if (run.retrainsOnly) retraining = { steps: run.res.steps.consolidation, seconds: run.res.consolidationSeconds };
      const naiveSps = naiveRun.sps;
      const clnpTasks = clnpTaskDiagnostics(run.res.diagnostics);
      if (clnpTasks) search = clnpTasks.map((t) => t.searchSeconds);
      if (extra > 0) {
        const equalStep = (B + extra) / (await taskTwo('naive', {}, B + extra)).sps;   // a naive step on B + extra rows
        vsEqualRows.push((B / run.sps) / equalStep); floor.push(equalStep / (B / naiveSps));
      }
    }
    const rel = median(vsNaive);
    results.push({
      method: name, samplesPerSecond: best(sps), relativeToNaive: rel, overheadPct: 100 * (1 / rel - 1), samplesPerStep: B + extra, goalPct: OVERHEAD_GOALS[name],
      ...(extra > 0 ? { equalSamplesOverheadPct: 100 * (median(vsEqualRows) - 1), floorPct: 100 * (median(floor) - 1) } : {}),
      consolidationSeconds: consolidation, ...(search ? { pruningSearchSeconds: search } : {}), ...(retraining ? { retraining } : {}),
      tensorsLeaked: leaked, peakRssMB: process.resourceUsage().maxRSS / 1024,
    });
    opts.log(`  ${name}: ${best(sps).toFixed(0)} samples/s, ${rel.toFixed(3)} × naive (median of ${opts.repeats} neighbouring pairs)`);
  }
  return results;
}
