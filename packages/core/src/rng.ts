/**
 * Seeded pseudo-random numbers. One `Rng` per run; sub-streams are derived by label
 * (`rng.fork('init')`) so that adding a consumer never shifts another one's numbers.
 * Generator: sfc32 seeded through splitmix32 — fast, 128-bit state, good statistics.
 */
export class Rng {
  private a: number; private b: number; private c: number; private d: number;

  constructor(seed: number | string) {
    let s = typeof seed === 'number' ? seed >>> 0 : hashString(seed);
    const next = () => { s = (s + 0x9e3779b9) >>> 0; let z = s; z = Math.imul(z ^ (z >>> 16), 0x85ebca6b); z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35); return (z ^ (z >>> 16)) >>> 0; };
    this.a = next(); this.b = next(); this.c = next(); this.d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** A new independent stream, determined by this stream's seed state and `label`. */
  fork(label: string): Rng {
    return new Rng(hashString(`${this.a}:${this.b}:${this.c}:${this.d}:${label}`));
  }

  /** The generator's 128-bit state (for checkpoints): `setState` continues the stream exactly here. */
  state(): [number, number, number, number] { return [this.a, this.b, this.c, this.d]; }

  /** Continue from a state `state()` returned (in place: every holder of this stream sees it). */
  setState(s: readonly number[]): void {
    if (s.length !== 4 || s.some((x) => !Number.isInteger(x) || x < -0x80000000 || x > 0xffffffff)) throw new Error(`rng state must be 4 32-bit integers, got [${s.join(', ')}]`);
    [this.a, this.b, this.c, this.d] = s;
  }

  uint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number { return this.uint32() / 4294967296; }

  /** Uniform integer in [0, n). */
  int(n: number): number { return Math.floor(this.next() * n); }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next(), v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T extends { length: number; [i: number]: any }>(arr: T): T {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = arr[i]; arr[i] = arr[j]; arr[j] = t;
    }
    return arr;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}

/** FNV-1a 32-bit hash of a string. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return h >>> 0;
}
