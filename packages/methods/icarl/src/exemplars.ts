/**
 * iCaRL's exemplar sets P_1, …, P_t (Rebuffi et al. 2017, arXiv 1611.07725, §2): per class, raw
 * *training* inputs in the order herding picked them (Alg. 4), so that ReduceExemplarSet (Alg. 5)
 * is a truncation: P_y ← (p_1, …, p_m). Their total never exceeds the memory K.
 */
import { stateReader as read, type Split, type StateValue } from '@clbench/core';

/** One class's exemplars: rows x [n · dim], p_1 first. */
interface ExemplarSet { x: Float32Array; n: number }

export class ExemplarSets {
  private readonly sets = new Map<number, ExemplarSet>();

  constructor(readonly dim: number) {}

  /** P_y ← rows (dim values each, in herding order); replaces any set of class y. */
  set(label: number, x: Float32Array): void {
    if (x.length % this.dim) throw new Error(`exemplars of class ${label}: ${x.length} values is not a whole number of ${this.dim}-value rows`);
    this.sets.set(label, { x, n: x.length / this.dim });
  }

  /** Alg. 5, ReduceExemplarSet: keep the first m exemplars of every class. */
  reduce(m: number): void {
    for (const [label, s] of this.sets) if (s.n > m) this.sets.set(label, { x: s.x.slice(0, m * this.dim), n: m });
  }

  /** Classes with a set, ascending. */
  get classes(): number[] { return [...this.sets.keys()].sort((a, b) => a - b); }
  /** Exemplars of class y (0 when none). */
  count(label: number): number { return this.sets.get(label)?.n ?? 0; }
  get size(): number { let n = 0; for (const s of this.sets.values()) n += s.n; return n; }
  /** Bytes of the stored inputs and labels. */
  get bytes(): number { return this.size * (4 * this.dim + 4); }

  /** Class y's exemplars as rows [n · dim] (a view, p_1 first). */
  rows(label: number): Float32Array { return this.sets.get(label)?.x ?? new Float32Array(0); }

  /** Every exemplar as one dense training split (classes ascending, each set in herding order). */
  asSplit(): Split {
    const classes = this.classes, x = new Float32Array(this.size * this.dim), y = new Int32Array(this.size);
    let at = 0;
    for (const label of classes) {
      const s = this.sets.get(label)!;
      x.set(s.x, at * this.dim);
      y.fill(label, at, at + s.n);
      at += s.n;
    }
    return { x, y, n: this.size };
  }

  save(): StateValue {
    return { dim: this.dim, classes: Int32Array.from(this.classes), sets: this.classes.map((label) => this.sets.get(label)!.x) };
  }

  static load(state: StateValue): ExemplarSets {
    const s = read.object(state, 'icarl.exemplars');
    const out = new ExemplarSets(read.number(s.dim, 'icarl.exemplars.dim'));
    const classes = s.classes, sets = s.sets;
    if (!(classes instanceof Int32Array) || !Array.isArray(sets) || sets.length !== classes.length) throw new Error('state icarl.exemplars: classes and sets disagree');
    classes.forEach((label, i) => {
      const x = sets[i];
      if (!(x instanceof Float32Array)) throw new Error(`state icarl.exemplars.sets[${i}]: not a Float32Array`);
      out.set(label, x);
    });
    return out;
  }
}
