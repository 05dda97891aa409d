/** Rotate every image about its centre by `degrees` (bilinear, zero fill). */
import type { Labeled } from './dataset.js';

export function rotateImages(d: Labeled, [H, W, C]: [number, number, number], degrees: number): Labeled {
  if (degrees === 0) return d;
  const th = (degrees * Math.PI) / 180, cos = Math.cos(th), sin = Math.sin(th);
  const cy = (H - 1) / 2, cx = (W - 1) / 2, D = H * W * C, x = new Float32Array(d.x.length);
  for (let i = 0; i < d.n; i++) {
    const src = d.x.subarray(i * D, (i + 1) * D), dst = x.subarray(i * D, (i + 1) * D);
    for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) {
      // inverse mapping: where in the source does output pixel (r, c) come from
      const sy = cos * (r - cy) + sin * (c - cx) + cy, sx = -sin * (r - cy) + cos * (c - cx) + cx;
      const y0 = Math.floor(sy), x0 = Math.floor(sx), fy = sy - y0, fx = sx - x0;
      for (let ch = 0; ch < C; ch++) {
        const at = (yy: number, xx: number) => (yy < 0 || yy >= H || xx < 0 || xx >= W ? 0 : src[(yy * W + xx) * C + ch]);
        dst[(r * W + c) * C + ch] = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
      }
    }
  }
  return { x, y: d.y, n: d.n };
}
