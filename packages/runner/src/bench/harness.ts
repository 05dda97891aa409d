/**
 * Benchmark 1: the raw tfjs loop (raw-loop.ts) vs the harness running naive, samples/s of one
 * epoch on one 10-class task (all embedded training digits), best of `repeats` (the machine is
 * shared; the best is the least disturbed). On wasm also the harness with wasm's own BatchMatMul
 * kernel for transposed operands (wasm-matmul.ts off): the speed-up of clbench's kernel.
 */
import { buildNetwork, Rng, setFastTransposedMatMul, trainContinual, type NetworkConfig } from '@clbench/core';
import { buildScenario, loadEmbeddedMnist } from '@clbench/data';
import { getMethod } from '@clbench/methods';
import { rawEpoch } from './raw-loop.js';
import { BENCH_TRAINING, type HarnessBench, type TransposedMatMulBench } from './types.js';

export interface HarnessBenchOptions {
  /** The backend in use (what initBackend returned): wasm adds the transposed-matMul comparison. */
  backend: string;
  network: NetworkConfig;
  repeats: number;
  log: (line: string) => void;
}

export interface HarnessBenchResult { harness: HarnessBench; transposedMatMul?: TransposedMatMulBench }

const best = (xs: number[]) => Math.max(...xs);

export async function benchHarness(opts: HarnessBenchOptions): Promise<HarnessBenchResult> {
  const { network } = opts;
  const training = BENCH_TRAINING;
  const domain = buildScenario(loadEmbeddedMnist(), { type: 'permuted', incremental: 'domain', tasks: 1 }, { seed: 0, ordering: [], validationFraction: 0.1, image: false });
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
  let transposedMatMul: TransposedMatMulBench | undefined;
  if (opts.backend === 'wasm') {
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
  return {
    harness: { rawSamplesPerSecond: best(raw), harnessSamplesPerSecond: best(harness), ratio: best(harness) / best(raw) },
    ...(transposedMatMul ? { transposedMatMul } : {}),
  };
}
