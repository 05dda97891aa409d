/**
 * The episodic memory of the replay methods (ER, A-GEM): at most `capacity` raw *training*
 * samples (x, label, head), copied from the batches the trainer shows the method — never
 * validation or test data. Filled by reservoir sampling (Vitter 1985, "Random sampling with a
 * reservoir", Algorithm R; Chaudhry et al. 2019, arXiv 1902.10486, §4 "Reservoir sampling"):
 * the k-th sample offered is stored while there is room, afterwards it replaces slot j with
 * j uniform in [0, k) when j < capacity — so each of the k samples offered so far is in the
 * memory with probability capacity / k. All random numbers come from the caller's Rng.
 */
import { tf } from './backend.js';
import { copyRow, featureCount } from './batches.js';
import type { Network } from './network.js';
import type { Rng } from './rng.js';
import { stateReader as read, type StateValue } from './state.js';
import type { Split } from './task.js';

/** Samples drawn from a memory: x [n · D] row-major, labels and heads [n]. */
export interface MemoryBatch { x: Float32Array; y: Int32Array; heads: Int32Array; n: number }

export class ReplayMemory {
  private x = new Float32Array(0);
  private y = new Int32Array(0);
  private heads = new Int32Array(0);
  private dim = 0;
  /** Samples stored (≤ capacity) and samples offered so far. */
  size = 0;
  seen = 0;

  constructor(readonly capacity: number) {}

  /** Offer row i of a training split, trained with head `head` (Algorithm R); returns its slot, −1 when it was not kept. */
  offer(split: Split, i: number, head: number, rng: Rng): number {
    if (this.dim === 0) this.allocate(featureCount(split));
    this.seen++;
    let slot = this.size;
    if (this.size < this.capacity) this.size++;
    else {
      slot = rng.int(this.seen);                       // j uniform in [0, k)
      if (slot >= this.capacity) return -1;            // kept with probability capacity / k
    }
    copyRow(split, i, this.x, slot * this.dim);       // a view writes the row from the shared data, no full copy
    this.y[slot] = split.y[i];
    this.heads[slot] = head;
    return slot;
  }

  /** `count` distinct stored samples drawn uniformly (all of them when fewer are stored). */
  sample(count: number, rng: Rng): MemoryBatch {
    return this.sampleSlots(count, rng).batch;
  }

  /** `sample`, with the slot each drawn sample came from (for data a method keeps per slot, e.g. DER++'s logits). */
  sampleSlots(count: number, rng: Rng): { batch: MemoryBatch; slots: Int32Array } {
    const n = Math.min(count, this.size), order = new Int32Array(this.size);
    for (let i = 0; i < this.size; i++) order[i] = i;
    for (let i = 0; i < n; i++) {                      // partial Fisher–Yates: the first n are the draw
      const j = i + rng.int(this.size - i);
      const t = order[i]; order[i] = order[j]; order[j] = t;
    }
    const out: MemoryBatch = { x: new Float32Array(n * this.dim), y: new Int32Array(n), heads: new Int32Array(n), n };
    for (let k = 0; k < n; k++) {
      const s = order[k];
      out.x.set(this.x.subarray(s * this.dim, (s + 1) * this.dim), k * this.dim);
      out.y[k] = this.y[s]; out.heads[k] = this.heads[s];
    }
    return { batch: out, slots: order.slice(0, n) };
  }

  /** Stored samples per head (diagnostics). */
  perHead(): Record<number, number> {
    const out: Record<number, number> = {};
    for (let s = 0; s < this.size; s++) out[this.heads[s]] = (out[this.heads[s]] ?? 0) + 1;
    return out;
  }

  /** The stored samples and counters, for a checkpoint. */
  save(): StateValue {
    return { capacity: this.capacity, dim: this.dim, size: this.size, seen: this.seen, x: this.x, y: this.y, heads: this.heads };
  }

  /** Continue from `save()`'s state (same capacity). */
  load(state: StateValue): void {
    const s = read.object(state, 'memory');
    if (read.number(s.capacity, 'memory.capacity') !== this.capacity) throw new Error(`state memory.capacity: ${String(s.capacity)}, this memory holds ${this.capacity}`);
    const { x, y, heads } = s;
    if (!(x instanceof Float32Array) || !(y instanceof Int32Array) || !(heads instanceof Int32Array)) throw new Error('state memory: x, y and heads must be float32, int32 and int32 arrays');
    this.dim = read.number(s.dim, 'memory.dim');
    this.size = read.number(s.size, 'memory.size');
    this.seen = read.number(s.seen, 'memory.seen');
    this.x = Float32Array.from(x); this.y = Int32Array.from(y); this.heads = Int32Array.from(heads);
  }

  /** Bytes held by the memory's buffers (x as float32, labels and heads as int32). */
  get bytes(): number { return this.x.byteLength + this.y.byteLength + this.heads.byteLength; }

  private allocate(dim: number): void {
    this.dim = dim;
    this.x = new Float32Array(this.capacity * dim);
    this.y = new Int32Array(this.capacity);
    this.heads = new Int32Array(this.capacity);
  }
}

/** Mean cross-entropy of a memory batch, each sample on its own head: (1/n) Σ_i CE(f_{h_i}(x_i), y_i).
 *  One forward pass through the hidden layers; each head present is applied to all the features
 *  and its samples are selected by 0/1 weights (wasm has no gradient for tf.gather). */
export function replayLoss(net: Network, batch: MemoryBatch, training: boolean): tf.Scalar {
  return tf.tidy(() => {
    const x = tf.tensor2d(batch.x, [batch.n, batch.x.length / batch.n]);
    const { features, logits } = net.forward(x, batch.heads[0], training);
    const heads = [...new Set(batch.heads)];
    if (heads.length === 1) return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(batch.y, 'int32'), logits.shape[1]), logits) as tf.Scalar;
    let total: tf.Scalar = tf.scalar(0);
    for (const h of heads) {
      const mine = Float32Array.from(batch.heads, (hh) => (hh === h ? 1 : 0));          // this head's samples
      const labels = Int32Array.from(batch.y, (y, i) => (mine[i] ? y : 0));             // others: any label, weight 0
      const K = net.heads[h].b.shape[0];
      const ce = tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), K), net.headLogits(features, h), tf.tensor1d(mine), 0, tf.Reduction.SUM);
      total = total.add(ce);
    }
    return total.div(batch.n) as tf.Scalar;
  });
}
