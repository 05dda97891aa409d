/**
 * A labelled image dataset, held once per process: pixels as uint8 codes [n, H, W, C]
 * row-major in shared memory (a worker thread that receives the dataset shares it, no
 * copy), and `levels`, the float32 value each code stands for (k/255 for IDX and CIFAR
 * bytes; the 256 distinct values of the embedded digits). Scenarios read it through
 * views (scenarios.ts); a batch's pixels become floats only when it is gathered.
 */
export interface Labeled {
  codes: Uint8Array;
  y: Int32Array;
  n: number;
}

export interface Dataset {
  name: string;
  imageShape: [number, number, number]; // [H, W, C]
  classes: number;
  /** levels[code] is the pixel value in [0, 1] (256 entries). */
  levels: Float32Array;
  train: Labeled;
  test: Labeled;
}

/** The levels of byte pixels: code k stands for k/255, rounded to float32 once (as `new Float32Array(..)[i] = byte / 255`). */
export const BYTE_LEVELS = Float32Array.from({ length: 256 }, (_, k) => k / 255);

/** A zeroed Uint8Array / Int32Array in a SharedArrayBuffer (shared, not copied, when posted to a worker thread). */
export const sharedUint8 = (n: number) => new Uint8Array(new SharedArrayBuffer(n));
export const sharedInt32 = (n: number) => new Int32Array(new SharedArrayBuffer(4 * n));

/** Indices of samples per class. */
export function indicesByClass(d: Labeled, classes: number): number[][] {
  const out: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < d.n; i++) out[d.y[i]].push(i);
  return out;
}
