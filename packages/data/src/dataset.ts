/**
 * A labelled image dataset in flat typed arrays: x is [n, H, W, C] row-major, values
 * in [0, 1]; y the class labels. Loaders return a train pool and a test pool.
 */
export interface Labeled {
  x: Float32Array;
  y: Int32Array;
  n: number;
}

export interface Dataset {
  name: string;
  imageShape: [number, number, number]; // [H, W, C]
  classes: number;
  train: Labeled;
  test: Labeled;
}

/** Rows `idx` of a labelled set, copied into new arrays. */
export function subset(d: Labeled, idx: ArrayLike<number>): Labeled {
  const D = d.n ? d.x.length / d.n : 0;
  const x = new Float32Array(idx.length * D), y = new Int32Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    x.set(d.x.subarray(idx[k] * D, (idx[k] + 1) * D), k * D);
    y[k] = d.y[idx[k]];
  }
  return { x, y, n: idx.length };
}

/** Indices of samples per class. */
export function indicesByClass(d: Labeled, classes: number): number[][] {
  const out: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < d.n; i++) out[d.y[i]].push(i);
  return out;
}
