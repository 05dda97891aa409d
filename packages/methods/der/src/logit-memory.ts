/**
 * DER++'s memory (Buzzega et al. 2020, arXiv 2004.07211, Alg. 1: M holds (x, z, y)): at most
 * `capacity` raw *training* samples with their label, the head they were trained with and z, the
 * logits the network gave them when they were stored (before that step's update, as in Alg. 1).
 * Filled by reservoir sampling (Vitter 1985, Algorithm R; Alg. 1's `reservoir(M, (x, z, y))`),
 * as core's ReplayMemory: the k-th sample offered is stored while there is room, afterwards it
 * replaces slot j, j uniform in [0, k), when j < capacity — each of the k samples offered so far
 * is in M with probability capacity / k.
 *
 * x, y and the heads live on the host (the slots are chosen there, with the caller's Rng); the
 * logits stay on the device as one [capacity, width] tensor (width = the widest head; a head with
 * fewer outputs fills the first columns), written and read with tensor ops only, so the per-step
 * hook that stores them never reads a tensor back (method.ts: per-step hooks must not read).
 */
import { copyRow, featureCount, stateReader as read, tf, type MemoryBatch, type Rng, type Split, type StateValue } from '@clbench/core';

/** A draw from the memory: the samples (host) and the slots they came from (for their logits). */
export interface LogitDraw { batch: MemoryBatch; slots: Int32Array }

export class LogitMemory {
  private x = new Float32Array(0);
  private y = new Int32Array(0);
  private heads = new Int32Array(0);
  private dim = 0;
  /** z of every slot, [capacity, width]; null until the first sample is stored. */
  private logits: tf.Tensor2D | null = null;
  /** Samples stored (≤ capacity) and samples offered so far. */
  size = 0;
  seen = 0;

  constructor(readonly capacity: number, readonly width: number) {}

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
    if (this.dim === 0) this.allocate(featureCount(split));
    const slots = new Int32Array(idx.length).fill(-1);
    for (let r = 0; r < idx.length; r++) {
      this.seen++;
      let slot = this.size;
      if (this.size < this.capacity) this.size++;
      else {
        slot = rng.int(this.seen);                                 // j uniform in [0, k)
        if (slot >= this.capacity) continue;                       // kept with probability capacity / k
      }
      copyRow(split, idx[r], this.x, slot * this.dim);
      this.y[slot] = split.y[idx[r]];
      this.heads[slot] = head;
      slots[r] = slot;
    }
    return slots;
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
    const n = Math.min(count, this.size), order = new Int32Array(this.size);
    for (let i = 0; i < this.size; i++) order[i] = i;
    for (let i = 0; i < n; i++) {                                   // partial Fisher–Yates: the first n are the draw
      const j = i + rng.int(this.size - i);
      const t = order[i]; order[i] = order[j]; order[j] = t;
    }
    const slots = order.slice(0, n);
    const batch: MemoryBatch = { x: new Float32Array(n * this.dim), y: new Int32Array(n), heads: new Int32Array(n), n };
    slots.forEach((s, k) => {
      batch.x.set(this.x.subarray(s * this.dim, (s + 1) * this.dim), k * this.dim);
      batch.y[k] = this.y[s]; batch.heads[k] = this.heads[s];
    });
    return { batch, slots };
  }

  /** The stored logits z of `slots`, [slots.length, width] (the caller owns the tensor). */
  logitsOf(slots: Int32Array): tf.Tensor2D {
    if (!this.logits) throw new Error('der memory: no logits stored yet');
    const table = this.logits;
    return tf.tidy(() => tf.gather(table, tf.tensor1d(slots, 'int32')) as tf.Tensor2D);
  }

  /** Stored samples per head (diagnostics). */
  perHead(): Record<number, number> {
    const out: Record<number, number> = {};
    for (let s = 0; s < this.size; s++) out[this.heads[s]] = (out[this.heads[s]] ?? 0) + 1;
    return out;
  }

  /** Bytes held: x as float32, labels and heads as int32 (host), the logits as float32 (device). */
  get bytes(): number {
    return this.x.byteLength + this.y.byteLength + this.heads.byteLength + (this.logits ? this.capacity * this.width * 4 : 0);
  }

  save(): StateValue {
    return { capacity: this.capacity, width: this.width, dim: this.dim, size: this.size, seen: this.seen, x: this.x, y: this.y, heads: this.heads, logits: this.logits };
  }

  /** Continue from `save()`'s state (same capacity and width); takes ownership of its logits tensor. */
  load(state: StateValue): void {
    const s = read.object(state, 'der.memory');
    for (const key of ['capacity', 'width'] as const) {
      if (read.number(s[key], `der.memory.${key}`) !== this[key]) throw new Error(`state der.memory.${key}: ${String(s[key])}, this memory has ${this[key]}`);
    }
    const { x, y, heads } = s;
    if (!(x instanceof Float32Array) || !(y instanceof Int32Array) || !(heads instanceof Int32Array)) throw new Error('state der.memory: x, y and heads must be float32, int32 and int32 arrays');
    this.dim = read.number(s.dim, 'der.memory.dim');
    this.size = read.number(s.size, 'der.memory.size');
    this.seen = read.number(s.seen, 'der.memory.seen');
    this.x = Float32Array.from(x); this.y = Int32Array.from(y); this.heads = Int32Array.from(heads);
    this.logits?.dispose();
    this.logits = s.logits === null ? null : read.tensor(s.logits, 'der.memory.logits') as tf.Tensor2D;
  }

  dispose(): void { this.logits?.dispose(); this.logits = null; }

  private allocate(dim: number): void {
    this.dim = dim;
    this.x = new Float32Array(this.capacity * dim);
    this.y = new Int32Array(this.capacity);
    this.heads = new Int32Array(this.capacity);
  }
}
