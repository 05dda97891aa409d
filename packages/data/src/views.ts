/**
 * A task's split as a view over the dataset the process holds once: which rows of a pool
 * it uses, their labels, and a transform applied to each sample when a batch is gathered
 * (a pixel permutation, or a planned rotation). Pixels become float32 only then:
 * levels[code], exactly the float the pool's loader would have stored.
 */
import { viewSplit, type Split } from '@clbench/core';
import type { Labeled } from './dataset.js';
import { rotateInto, type Rotation } from './rotate.js';

export type Transform =
  | { type: 'permute'; perm: Int32Array }   // output pixel p = source pixel perm[p]
  | { type: 'rotate'; rotation: Rotation };

export function poolView(pool: Labeled, levels: Float32Array, rows: Int32Array, y: Int32Array, transform?: Transform): Split {
  const D = pool.n ? pool.codes.length / pool.n : 0, codes = pool.codes;
  const copyRow = (i: number, out: Float32Array, offset: number) => {
    const base = rows[i] * D;
    if (!transform) {
      for (let p = 0; p < D; p++) out[offset + p] = levels[codes[base + p]];
    } else if (transform.type === 'permute') {
      const perm = transform.perm;
      for (let p = 0; p < D; p++) out[offset + p] = levels[codes[base + perm[p]]];
    } else {
      rotateInto(transform.rotation, codes, base, levels, out, offset);
    }
  };
  return viewSplit(rows.length, y, { dim: D, copyRow });
}
