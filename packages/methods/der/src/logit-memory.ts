/**
 * DER++'s memory (Buzzega et al. 2020, arXiv 2004.07211, Alg. 1: M holds (x, z, y)): at most
 * `capacity` raw *training* samples with their label, the head they were trained with and z, the
 * logits the network gave them when they were stored (before that step's update, as in Alg. 1).
 * Filled by reservoir sampling (Vitter 1985, Algorithm R; Alg. 1's `reservoir(M, (x, z, y))`),
 * by core's ReplayMemory, which holds x, y and the heads on the host (the slots are chosen there,
 * with the caller's Rng): each of the k samples offered so far is in M with probability capacity / k.
 * This class adds z, one row per slot of that memory: the logits stay on the device as one [capacity, width] tensor (width = the widest head; a head with
 * fewer outputs fills the first columns), written and read with tensor ops only, so the per-step
 * hook that stores them never reads a tensor back (method.ts: per-step hooks must not read).
 */
import { ReplayMemory, stateReader as read, tf, type MemoryBatch, type Rng, type Split, type StateValue } from '@clbench/core';

/** A draw from the memory: the samples (host) and the slots they came from (for their logits). */
export interface LogitDraw { batch: MemoryBatch; slots: Int32Array }

export class LogitMemory {
  /** x, y and heads by reservoir sampling (core's ReplayMemory); z lives beside it, row s = slot s. */
  private readonly samples: ReplayMemory;
  /** z of every slot, [capacity, width]; null until the first sample is stored. */
  private logits: tf.Tensor2D | null = null;

  constructor(readonly capacity: number, readonly width: number) { this.samples = new ReplayMemory(capacity); }

  /** Samples stored (≤ capacity) and samples offered so far. */
  get size(): number { return this.samples.size; }
  get seen(): number { return this.samples.seen; }

  /**
   * Offer rows `idx` of a training split, trained with head `head`, with `logits` [idx.length, K]
   * the network's outputs on them (K ≤ width): Algorithm R on the host, then the kept rows' logits
   * written into their slots on the device. Returns the slot of each row, −1 where it was not kept.
   */
  offer(split: Split, idx: ArrayLike<number>, head: number, logits: tf.Tensor2D, rng: Rng): Int32Array {
    const slots = this.reserve(split, idx, head, rng);
    this.writeLogits(slots, logits);
    return slots;
  }

  /** Algorithm R for each row in turn: stores x, y and the head, returns the slots (−1: not kept). */
  reserve(split: Split, idx: ArrayLike<number>, head: number, rng: Rng): Int32Array {
    return Int32Array.from({ length: idx.length }, (_, r) => this.samples.offer(split, idx[r], head, rng));
  }

  /** z ← the rows' logits in their slots (a later row of the batch taking the same slot wins, as on the host). */
  writeLogits(slots: Int32Array, logits: tf.Tensor2D): void {
    const from = new Int32Array(this.capacity), written = new Float32Array(this.capacity);
    let any = false;
    slots.forEach((slot, r) => { if (slot >= 0) { from[slot] = r; written[slot] = 1; any = true; } });
    if (!any) return;
    const old = this.logits ?? tf.keep(tf.zeros([this.capacity, this.width]) as tf.Tensor2D);
    this.logits = tf.keep(tf.tidy(() => {
      const K = logits.shape[1];
      const wide = K < this.width ? logits.pad([[0, 0], [0, this.width - K]]) : logits;
      const rows = tf.gather(wide, tf.tensor1d(from, 'int32'));    // slot s ← row from[s] (forward only: no gradient flows to z)
      const w = tf.tensor2d(written, [this.capacity, 1]);
      return old.mul(tf.scalar(1).sub(w)).add(rows.mul(w)) as tf.Tensor2D;
    }));
    old.dispose();
  }

  /** `count` distinct stored samples drawn uniformly (all of them when fewer are stored), with their slots. */
  sample(count: number, rng: Rng): LogitDraw {
    return this.samples.sampleSlots(count, rng);
  }

  /** The stored logits z of `slots`, [slots.length, width] (the caller owns the tensor). */
  logitsOf(slots: Int32Array): tf.Tensor2D {
    if (!this.logits) throw new Error('der memory: no logits stored yet');
    const table = this.logits;
    return tf.tidy(() => tf.gather(table, tf.tensor1d(slots, 'int32')) as tf.Tensor2D);
  }

  /** Stored samples per head (diagnostics). */
  perHead(): Record<number, number> { return this.samples.perHead(); }

  /** Bytes held: x as float32, labels and heads as int32 (host), the logits as float32 (device). */
  get bytes(): number {
    return this.samples.bytes + (this.logits ? this.capacity * this.width * 4 : 0);
  }

  save(): StateValue {
    return { width: this.width, samples: this.samples.save(), logits: this.logits };
  }

  /** Continue from `save()`'s state (same capacity and width); takes ownership of its logits tensor. */
  load(state: StateValue): void {
    const s = read.object(state, 'der.memory');
    if (read.number(s.width, 'der.memory.width') !== this.width) throw new Error(`state der.memory.width: ${String(s.width)}, this memory has ${this.width}`);
    this.samples.load(s.samples);
    this.logits?.dispose();
    this.logits = s.logits === null ? null : read.tensor(s.logits, 'der.memory.logits') as tf.Tensor2D;
  }

  dispose(): void { this.logits?.dispose(); this.logits = null; }
}
