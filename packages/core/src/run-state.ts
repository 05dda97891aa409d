/**
 * The whole state of a run between two tasks, for per-task checkpoints: what the run has produced
 * (rows of R, counters, timings, warnings), every random stream, the network, the optimiser when
 * its state is carried across tasks, and the method's own state (`saveState`). Restoring it into a
 * run built from the same config and seed continues that run bit for bit (tested per method).
 */
import type { ContinualMethod, MethodContext } from './method.js';
import type { Network } from './network.js';
import { loadNetwork, saveNetwork } from './network-state.js';
import type { Optimizer } from './optimizer.js';
import type { Rng } from './rng.js';
import { stateReader as read, records, type StateValue } from './state.js';

/** Bumped when the tree below changes shape: a checkpoint of another version is not resumed. */
export const RUN_STATE_VERSION = 1;

/** What a run has produced so far; the trainer's TrainResult is made from it. */
export interface RunRecord {
  /** R[i][j] for the finished tasks i. */
  R: number[][];
  randomInitAccuracy: number[];
  taskSeconds: number[];
  consolidationSeconds: number[];
  steps: { train: number[]; consolidation: number[] };
  trainSeconds: number;
  samplesTrained: number;
  stepsTaken: number;
  warnings: string[];
}

/** The run's random streams: the seed's (network init), the batch order's and the method's. */
export interface RunStreams { root: Rng; shuffle: Rng; method: Rng }

/** The parts of a run a state is taken from and restored into. */
export interface RunParts { net: Network; streams: RunStreams; optimizer: Optimizer | null; method: ContinualMethod }

export function captureRunState(record: RunRecord, parts: RunParts): StateValue {
  const { net, streams, optimizer, method } = parts;
  return {
    version: RUN_STATE_VERSION,
    tasksDone: record.R.length,
    record: records(record),
    rng: { root: streams.root.state(), shuffle: streams.shuffle.state(), method: streams.method.state() },
    network: saveNetwork(net),
    optimizer: optimizer ? optimizer.save() : null,
    method: method.saveState?.() ?? null,
  };
}

/** Restore `captureRunState`'s state into freshly built parts (after the method's `setup`); returns the record. */
export function restoreRunState(state: StateValue, parts: RunParts, ctx: MethodContext): RunRecord {
  const s = read.object(state, 'run');
  const version = read.number(s.version, 'run.version');
  if (version !== RUN_STATE_VERSION) throw new Error(`state run.version: ${version}, this code reads version ${RUN_STATE_VERSION}`);
  const record = read.json<RunRecord>(s.record, 'run.record');
  if (record.R.length !== read.number(s.tasksDone, 'run.tasksDone')) throw new Error('state run.record: its rows of R disagree with run.tasksDone');
  const rng = read.object(s.rng, 'run.rng');
  parts.streams.root.setState(read.numbers(rng.root, 'run.rng.root'));
  parts.streams.shuffle.setState(read.numbers(rng.shuffle, 'run.rng.shuffle'));
  parts.streams.method.setState(read.numbers(rng.method, 'run.rng.method'));
  loadNetwork(parts.net, s.network ?? null);
  if (parts.optimizer) parts.optimizer.load(s.optimizer ?? null);
  if (s.method !== null && s.method !== undefined) {
    if (!parts.method.loadState) throw new Error('state run.method: the method saved a state but cannot load one');
    parts.method.loadState(s.method, ctx);
  }
  return record;
}
