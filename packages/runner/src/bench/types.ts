/** What `clbench bench` measures and returns (see bench.ts for the order of the benchmarks). */
import type { NetworkConfig, TrainingConfig } from '@clbench/core';
import type { MethodName } from '@clbench/methods';
import type { Throughput } from '../throughput.js';

/** The training every in-process benchmark uses: one epoch of Adam, batch 128. */
export const BENCH_TRAINING: TrainingConfig = { optimizer: 'adam', lr: 1e-3, epochs: 1, batchSize: 128, validationFraction: 0.1, budget: 'consolidation-extra' };

/** The benchmarks' network: two dense hidden layers of `hidden` units. */
export const benchNetwork = (hidden: number): NetworkConfig => ({ layers: [{ type: 'dense', units: hidden }, { type: 'dense', units: hidden }] });

/** Benchmark 1: raw tfjs loop vs the harness (naive), best samples/s of one epoch each. */
export interface HarnessBench { rawSamplesPerSecond: number; harnessSamplesPerSecond: number; ratio: number }

/** wasm only: the harness with wasm's own kernel for transposed products, and clbench's speed-up over it. */
export interface TransposedMatMulBench { ownKernelSamplesPerSecond: number; speedup: number }

/** Benchmark 2: one method's task-2 training throughput against naive's. */
export interface MethodBench {
  method: MethodName; samplesPerSecond: number; relativeToNaive: number;
  /** Time per step over naive's, in %. */
  overheadPct: number;
  /** Rows through forward + backward per step (training batch + extra); the overhead at equal rows
   *  compares the step with a naive step on as many rows (present only with extra rows). */
  samplesPerStep: number; equalSamplesOverheadPct?: number; floorPct?: number;
  goalPct?: number; consolidationSeconds: number[]; pruningSearchSeconds?: number[]; tensorsLeaked: number; peakRssMB: number;
  /** A method that trains only in afterTask (GDumb, from scratch on its memory at each evaluation): per task, the
   *  retraining's steps and seconds (sampling included); its samples/s and overhead are then per retraining step. */
  retraining?: { steps: number[]; seconds: number[] };
}

/** Benchmark 2b (icarl.ts): iCaRL on class-incremental split MNIST (2 tasks), medians over the repeats. */
export interface IcarlBench {
  /** Task-2 time per optimiser step over naive's, in % (the same rows per step). */
  stepOverheadPct: number; goalPct: number; stepsTask2: number;
  /** Per task: exemplar construction (features + herding, Alg. 4), the class means (Alg. 1), and the
   *  nearest-mean evaluation of every task's test split after it (seconds). */
  herdingSeconds: number[]; meansSeconds: number[]; nmeSeconds: number[];
  /** Test samples of each task (what each evaluation classifies). */
  testSamples: number[];
  tensorsLeaked: number;
}

/** Benchmark 3: one suite on 1 worker, N workers and N plain processes. */
export interface PoolBench { suite: string; results: Throughput[]; poolVsProcesses: number }

/** Benchmark 4 (memory.ts): peak RSS of a fresh `clbench run` process on full MNIST. */
export interface MemoryRow {
  code: 'before' | 'after';
  workers: number;
  peakRssMB: number;
  /** Mean over the runs of each run's training samples/s. */
  samplesPerSecond: number;
}

export interface MemoryReport { suite: string; rows: MemoryRow[]; before?: string }

/** Benchmark 5 (checkpoints.ts): one method's per-task checkpoints on the default suite's setting. */
export interface CheckpointBench {
  method: MethodName;
  /** The run's id (its checkpoint is checkpointPath(dir, runId)). */
  runId: string;
  /** Checkpoints written: one after each task but the last. */
  writes: number;
  /** Mean seconds per checkpoint: encodeState, writeCheckpoint (temp file, fsync, rename), and the two together. */
  encodeSeconds: number; writeSeconds: number; totalSeconds: number;
  /** Size of each checkpoint file written, in order (header and checksum included). */
  bytes: number[];
  /** Mean seconds of a task's training epochs (TrainResult.taskSeconds). */
  taskTrainSeconds: number;
  /** totalSeconds over taskTrainSeconds, %, judged against goalPct. */
  ratioPct: number;
  goalPct: number;
}

export interface CheckpointsReport { suite: string; methods: CheckpointBench[] }

export interface BenchReport {
  backend: string;
  network: string;
  harness: HarnessBench;
  /** wasm only: the harness with wasm's own kernel for transposed products, and clbench's speed-up over it. */
  transposedMatMul?: TransposedMatMulBench;
  pool?: PoolBench;
  memory?: MemoryReport;
  methods: MethodBench[];
  /** Benchmark 2b: present when iCaRL is among the chosen methods. */
  icarl?: IcarlBench;
  checkpoints?: CheckpointsReport;
}
