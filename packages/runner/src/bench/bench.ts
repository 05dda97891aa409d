/**
 * `clbench bench`: measured on the same network and batches in one process —
 *  1. raw tfjs loop vs the harness (naive), samples/s of one epoch (goal ratio ≥ 0.95); on wasm also
 *     the harness with wasm's own BatchMatMul kernel for transposed operands: the speed-up of
 *     clbench's kernel (goal ≥ 2×) — harness.ts;
 *  2. every registered method's training throughput on its second task relative to naive (goals in
 *     goals.ts), its consolidation time per task, and the tensor count after the run — methods.ts;
 *  2b. iCaRL (class-incremental only): its step time vs naive's, herding and nearest-mean evaluation apart — icarl.ts;
 *  3. pool scaling: one suite on 1 worker, N workers, N plain processes — pool.ts;
 *  4. memory on full MNIST: peak RSS of a fresh CLI process with 1 and 2 workers — memory.ts;
 *  5. per-task checkpoints: write time and size per method on the default suite's setting
 *     (benchmarks/split-mnist.json, its own network, not `hidden`), goal ≤ 5 % of a task's training — checkpoints.ts.
 * This file only runs them in that order and assembles the report; table.ts renders it.
 */
import { initBackend, type BackendName } from '@clbench/core';
import type { MethodName } from '@clbench/methods';
import { benchCheckpoints } from './checkpoints.js';
import { benchHarness } from './harness.js';
import { benchIcarl } from './icarl.js';
import { measureMemory } from './memory.js';
import { benchMethods } from './methods.js';
import { benchPool } from './pool.js';
import { BENCH_TRAINING, benchNetwork, type BenchReport } from './types.js';

export interface BenchOptions {
  backend: BackendName;
  repeats: number;
  /** Units per hidden layer of benchmarks 1–3 (memory always uses the 2×400). */
  hidden: number;
  log: (line: string) => void;
  /** Methods of benchmarks 2 and 5 (default: all registered). */
  methods?: readonly MethodName[];
  /** Run benchmark 3 (pool scaling) on `workers` workers (default: available parallelism). */
  pool: boolean;
  workers?: number;
  /** Run benchmark 4 against this CLI entry (and, with `before`, a built clbench checkout's); absent: skipped. */
  memory?: { cli: string; before?: string };
  /** Run benchmark 5 (checkpoint write time and size per method). */
  checkpoints: boolean;
}

/** Benchmark 4's network: the issue's 2×400, whatever `hidden` says. */
export const MEMORY_NETWORK = benchNetwork(400);

export async function runBench(opts: BenchOptions): Promise<BenchReport> {
  const backend = await initBackend(opts.backend);
  const network = benchNetwork(opts.hidden);
  const { harness, transposedMatMul } = await benchHarness({ backend, network, repeats: opts.repeats, log: opts.log });
  const methods = await benchMethods({ network, repeats: opts.repeats, methods: opts.methods, log: opts.log });
  const icarl = (opts.methods ?? ['icarl']).includes('icarl') ? await benchIcarl({ network, repeats: opts.repeats, log: opts.log }) : undefined;
  const pool = opts.pool ? await benchPool({ backend: opts.backend, network, workers: opts.workers, log: opts.log }) : undefined;
  const memory = opts.memory
    ? measureMemory({ cli: opts.memory.cli, before: opts.memory.before, backend: opts.backend, network: MEMORY_NETWORK, log: opts.log })
    : undefined;
  const checkpoints = opts.checkpoints ? await benchCheckpoints({ backend, methods: opts.methods, log: opts.log }) : undefined;
  return {
    pool, memory, transposedMatMul,
    backend, network: `784-${opts.hidden}-${opts.hidden}, batch ${BENCH_TRAINING.batchSize}, Adam`,
    harness,
    methods,
    ...(icarl && { icarl }),
    ...(checkpoints && { checkpoints }),
  };
}
