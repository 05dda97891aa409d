/**
 * Rotation of an image about its centre (bilinear, zero fill), planned once per angle:
 * for each output pixel, where in the source it samples. Applying it per sample costs
 * four table reads and a few multiplies per pixel, so rotated tasks keep no copy.
 */
export interface Rotation {
  shape: [number, number, number]; // [H, W, C]
  /** Per output pixel (r, c): the flat offsets of its four source pixels (top-left, top-right,
   *  bottom-left, bottom-right; -1 when outside the image: zero fill) and the bilinear fractions. */
  src: Int32Array; // 4 per output pixel
  fy: Float64Array; fx: Float64Array;
}

export function planRotation([H, W, C]: [number, number, number], degrees: number): Rotation {
  const th = (degrees * Math.PI) / 180, cos = Math.cos(th), sin = Math.sin(th);
  const cy = (H - 1) / 2, cx = (W - 1) / 2;
  const plan: Rotation = { shape: [H, W, C], src: new Int32Array(4 * H * W), fy: new Float64Array(H * W), fx: new Float64Array(H * W) };
  const offset = (yy: number, xx: number) => (yy < 0 || yy >= H || xx < 0 || xx >= W ? -1 : (yy * W + xx) * C);
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) {
    // inverse mapping: where in the source does output pixel (r, c) come from
    const sy = cos * (r - cy) + sin * (c - cx) + cy, sx = -sin * (r - cy) + cos * (c - cx) + cx;
    const y0 = Math.floor(sy), x0 = Math.floor(sx), o = r * W + c;
    plan.src.set([offset(y0, x0), offset(y0, x0 + 1), offset(y0 + 1, x0), offset(y0 + 1, x0 + 1)], 4 * o);
    plan.fy[o] = sy - y0; plan.fx[o] = sx - x0;
  }
  return plan;
}

/** Rotate one image: source pixel j (flat [H, W, C] index) is levels[codes[base + j]]; result to out[offset, offset + H·W·C). */
export function rotateInto(rot: Rotation, codes: Uint8Array, base: number, levels: Float32Array, out: Float32Array, offset: number): void {
  const [H, W, C] = rot.shape, src = rot.src;
  for (let o = 0; o < H * W; o++) {
    const fy = rot.fy[o], fx = rot.fx[o], s00 = src[4 * o], s01 = src[4 * o + 1], s10 = src[4 * o + 2], s11 = src[4 * o + 3];
    for (let ch = 0; ch < C; ch++) {
      const a = s00 < 0 ? 0 : levels[codes[base + s00 + ch]], b = s01 < 0 ? 0 : levels[codes[base + s01 + ch]];
      const c = s10 < 0 ? 0 : levels[codes[base + s10 + ch]], d = s11 < 0 ? 0 : levels[codes[base + s11 + ch]];
      out[offset + o * C + ch] = (1 - fy) * ((1 - fx) * a + fx * b) + fy * ((1 - fx) * c + fx * d);
    }
  }
}
