/**
 * GDumb's memory: the class-balanced greedy sampler of Prabhu, Torr & Dokania 2020, "GDumb: A
 * Simple Approach that Questions Our Progress in Continual Learning", ECCV, Alg. 1. At most
 * `capacity` raw *training* samples (x, label, head, class). A sample offered is stored while
 * there is room; once the memory is full, it is stored only if its class has fewer samples than
 * the largest class, in place of a sample of that largest class drawn uniformly (caller's Rng);
 * ties between largest classes go to the smallest class key. Otherwise it is discarded.
 * A class is a label of a head: key = (outputs of the heads before it) + label, so task-IL's
 * per-head labels 0/1 stay distinct classes.
 */
import { copyRow, featureCount, stateReader as read, type Rng, type Split, type StateValue } from '@clbench/core';

/** The stored samples of one head, as a dense split. */
export interface HeadRows { head: number; split: Split }

export class BalancedMemory {
  private x = new Float32Array(0);
  private y = new Int32Array(0);
  private heads = new Int32Array(0);
  private classes = new Int32Array(0);
  private dim = 0;
  /** Stored samples per class key. */
  private counts = new Map<number, number>();
  /** Samples stored (≤ capacity) and samples offered so far. */
  size = 0;
  seen = 0;

  constructor(readonly capacity: number) {}

  /** Offer row i of a training split, trained with head `head`, of class key `cls` (Alg. 1); returns its slot, −1 if discarded. */
  offer(split: Split, i: number, head: number, cls: number, rng: Rng): number {
    if (this.dim === 0) this.allocate(featureCount(split));
    this.seen++;
    let slot = this.size;
    if (this.size < this.capacity) this.size++;                       // room left: store
    else {
      const largest = this.largestClass();
      if ((this.counts.get(cls) ?? 0) >= (this.counts.get(largest) ?? 0)) return -1;   // its class is not below the largest: discard
      slot = this.randomSlotOf(largest, rng);                        // evict a random sample of the largest class
      this.counts.set(largest, this.counts.get(largest)! - 1);
    }
    copyRow(split, i, this.x, slot * this.dim);
    this.y[slot] = split.y[i];
    this.heads[slot] = head;
    this.classes[slot] = cls;
    this.counts.set(cls, (this.counts.get(cls) ?? 0) + 1);
    return slot;
  }

  /** Stored samples per class key (ascending keys). */
  perClass(): Record<number, number> {
    const out: Record<number, number> = {};
    for (const k of [...this.counts.keys()].sort((a, b) => a - b)) if (this.counts.get(k)! > 0) out[k] = this.counts.get(k)!;
    return out;
  }

  /** The stored samples grouped by head (ascending), each as a dense split in slot order. */
  byHead(): HeadRows[] {
    const out: HeadRows[] = [];
    for (const head of [...new Set(this.heads.subarray(0, this.size))].sort((a, b) => a - b)) {
      const slots: number[] = [];
      for (let s = 0; s < this.size; s++) if (this.heads[s] === head) slots.push(s);
      const x = new Float32Array(slots.length * this.dim), y = new Int32Array(slots.length);
      slots.forEach((s, k) => { x.set(this.x.subarray(s * this.dim, (s + 1) * this.dim), k * this.dim); y[k] = this.y[s]; });
      out.push({ head, split: { x, y, n: slots.length } });
    }
    return out;
  }

  /** Bytes held by the memory's buffers (x as float32; labels, heads and classes as int32). */
  get bytes(): number { return this.x.byteLength + this.y.byteLength + this.heads.byteLength + this.classes.byteLength; }

  save(): StateValue {
    return { capacity: this.capacity, dim: this.dim, size: this.size, seen: this.seen, x: this.x, y: this.y, heads: this.heads, classes: this.classes };
  }

  /** Continue from `save()`'s state (same capacity). */
  load(state: StateValue): void {
    const s = read.object(state, 'gdumb.memory');
    if (read.number(s.capacity, 'gdumb.memory.capacity') !== this.capacity) throw new Error(`state gdumb.memory.capacity: ${String(s.capacity)}, this memory holds ${this.capacity}`);
    const { x, y, heads, classes } = s;
    if (!(x instanceof Float32Array) || !(y instanceof Int32Array) || !(heads instanceof Int32Array) || !(classes instanceof Int32Array)) {
      throw new Error('state gdumb.memory: x, y, heads and classes must be float32, int32, int32 and int32 arrays');
    }
    this.dim = read.number(s.dim, 'gdumb.memory.dim');
    this.size = read.number(s.size, 'gdumb.memory.size');
    this.seen = read.number(s.seen, 'gdumb.memory.seen');
    this.x = Float32Array.from(x); this.y = Int32Array.from(y); this.heads = Int32Array.from(heads); this.classes = Int32Array.from(classes);
    this.counts.clear();
    for (let s = 0; s < this.size; s++) this.counts.set(this.classes[s], (this.counts.get(this.classes[s]) ?? 0) + 1);
  }

  /** The class with the most stored samples (the smallest key among ties). */
  private largestClass(): number {
    let best = -1, most = -1;
    for (const [k, c] of this.counts) if (c > most || (c === most && k < best)) { best = k; most = c; }
    return best;
  }

  /** A stored sample of class `cls`, uniformly. */
  private randomSlotOf(cls: number, rng: Rng): number {
    const slots: number[] = [];
    for (let s = 0; s < this.size; s++) if (this.classes[s] === cls) slots.push(s);
    return slots[rng.int(slots.length)];
  }

  private allocate(dim: number): void {
    this.dim = dim;
    this.x = new Float32Array(this.capacity * dim);
    this.y = new Int32Array(this.capacity);
    this.heads = new Int32Array(this.capacity);
    this.classes = new Int32Array(this.capacity);
  }
}
