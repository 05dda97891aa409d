/**
 * Rotation of an image about its centre (bilinear, zero fill), planned once per angle:
 * for each output pixel, where in the source it samples. Applying it per sample costs
 * four table reads and a few multiplies per pixel, so rotated tasks keep no copy.
 */
export interface Rotation {
  shape: [number, number, number]; // [H, W, C]
  /** Per output pixel (r, c): top-left source pixel and the bilinear fractions. */
  y0: Int32Array; x0: Int32Array; fy: Float64Array; fx: Float64Array;
}

export function planRotation([H, W, C]: [number, number, number], degrees: number): Rotation {
  const th = (degrees * Math.PI) / 180, cos = Math.cos(th), sin = Math.sin(th);
  const cy = (H - 1) / 2, cx = (W - 1) / 2;
  const plan: Rotation = { shape: [H, W, C], y0: new Int32Array(H * W), x0: new Int32Array(H * W), fy: new Float64Array(H * W), fx: new Float64Array(H * W) };
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) {
    // inverse mapping: where in the source does output pixel (r, c) come from
    const sy = cos * (r - cy) + sin * (c - cx) + cy, sx = -sin * (r - cy) + cos * (c - cx) + cx;
    const y0 = Math.floor(sy), x0 = Math.floor(sx), o = r * W + c;
    plan.y0[o] = y0; plan.x0[o] = x0; plan.fy[o] = sy - y0; plan.fx[o] = sx - x0;
  }
  return plan;
}

/** Rotate one image: source pixel j (flat [H, W, C] index) is levels[codes[base + j]]; result to out[offset, offset + H·W·C). */
export function rotateInto(rot: Rotation, codes: Uint8Array, base: number, levels: Float32Array, out: Float32Array, offset: number): void {
  const [H, W, C] = rot.shape;
  for (let o = 0; o < H * W; o++) {
    const y0 = rot.y0[o], x0 = rot.x0[o], fy = rot.fy[o], fx = rot.fx[o];
    for (let ch = 0; ch < C; ch++) {
      const at = (yy: number, xx: number) => (yy < 0 || yy >= H || xx < 0 || xx >= W ? 0 : levels[codes[base + (yy * W + xx) * C + ch]]);
      out[offset + o * C + ch] = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
    }
  }
}
