/**
 * Benchmark 2b: iCaRL, class-incremental only, so apart from benchmark 2's task-incremental runs:
 * split MNIST, 2 tasks of 2 classes, one shared head, memory K = 500. Its task-2 step time against
 * naive's on the same class-incremental scenario. Every iCaRL step passes `batchSize` rows (the task's
 * rows and its exemplars are one shuffled set, Alg. 3), so the rows per step are naive's: the
 * overhead is the previous network's forward pass and the sigmoid loss. Task 2's epoch has
 * ⌈(n + exemplars) / B⌉ steps against naive's ⌈n / B⌉, so the ratio is taken per step. Reported
 * apart: herding (exemplar construction, Alg. 4) and the class means per task (consolidation), and
 * the nearest-mean evaluation (Alg. 1) per evaluation, from the method's diagnostics.
 */
import { Rng, tf, trainContinual, type NetworkConfig, type TrainResult } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { getMethod } from '@clbench/methods';
import { ICARL_OVERHEAD_GOAL_PCT } from './goals.js';
import { BENCH_TRAINING, type IcarlBench } from './types.js';

export interface IcarlBenchOptions { network: NetworkConfig; repeats: number; log: (line: string) => void }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

export async function benchIcarl(opts: IcarlBenchOptions): Promise<IcarlBench> {
  const training = BENCH_TRAINING;
  const scenario = buildScenario(loadEmbeddedMnist(), { type: 'split', incremental: 'class', tasks: 2, classesPerTask: 2 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false });
  /** One 2-task run; seconds per optimiser step of task 2. */
  const run = async (name: 'naive' | 'icarl'): Promise<{ stepSeconds: number; res: TrainResult; leaked: number }> => {
    const def = getMethod(name), before = tf.memory().numTensors;
    const res = await trainContinual({ scenario, network: opts.network, training, method: def.create(def.hyperparameters.parse({})), rng: new Rng(0) });
    return { stepSeconds: res.taskSeconds[1] / res.steps.train[1], res, leaked: tf.memory().numTensors - before };
  };
  const ratios: number[] = [], herding: number[][] = [], means: number[][] = [], nme: number[][] = [];
  let last: Awaited<ReturnType<typeof run>> | undefined;
  for (let r = 0; r < opts.repeats; r++) {
    const naive = await run('naive');                                      // naive just before: the pair shares the machine's state
    last = await run('icarl');
    ratios.push(last.stepSeconds / naive.stepSeconds);
    const d = last.res.diagnostics as { herdingSeconds: number[]; meansSeconds: number[]; nmeSeconds: number[] };
    herding.push(d.herdingSeconds); means.push(d.meansSeconds); nme.push(d.nmeSeconds);
    opts.log(`  icarl (class-IL): ${(1000 * last.stepSeconds).toFixed(2)} ms per step, ${ratios[r].toFixed(3)} × naive's; herding ${d.herdingSeconds.map((s) => s.toFixed(2)).join(', ')} s; NME evaluation ${d.nmeSeconds.map((s) => s.toFixed(2)).join(', ')} s`);
  }
  const perTask = (xs: number[][]) => xs[0].map((_, t) => median(xs.map((x) => x[t])));
  return {
    stepOverheadPct: 100 * (median(ratios) - 1), goalPct: ICARL_OVERHEAD_GOAL_PCT, stepsTask2: last!.res.steps.train[1],
    herdingSeconds: perTask(herding), meansSeconds: perTask(means), nmeSeconds: perTask(nme),
    testSamples: scenario.tasks.map((t) => t.test.n), tensorsLeaked: last!.leaked,
  };
}
