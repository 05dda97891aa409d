/** Benchmark 3: pool scaling — the same small suite on 1 worker, N workers, and N plain processes. */
import type { BackendName, NetworkConfig } from '@clbench/core';
import { availableParallelism } from 'node:os';
import { parseSuite } from '../suite-file.js';
import { measurePoolThroughput, measureRawProcesses, type Throughput } from '../throughput.js';
import type { PoolBench } from './types.js';

export interface PoolBenchOptions {
  backend: BackendName;
  network: NetworkConfig;
  /** N (default: the machine's available parallelism). */
  workers?: number;
  log: (line: string) => void;
}

export async function benchPool(opts: PoolBenchOptions): Promise<PoolBench> {
  const n = opts.workers ?? availableParallelism();
  const suite = parseSuite({
    name: 'bench-pool', dataset: { name: 'mnist', limit: 300 }, scenario: { type: 'split', tasks: 5 }, network: opts.network,
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
  return { suite: `split MNIST 5 tasks, 300 digits/class, naive × ${2 * n} seeds`, results, poolVsProcesses: results[1].samplesPerSecond / results[2].samplesPerSecond };
}
