import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from './backend.js';
import { Rng } from './rng.js';
import { setFastTransposedMatMul } from './wasm-matmul.js';

beforeAll(async () => { await initBackend('wasm'); });
afterEach(() => { setFastTransposedMatMul(true); });

const random = (rng: Rng, shape: number[]) => {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = 2 * rng.next() - 1;
  return tf.tensor(out, shape);
};

/** C = op(A)·op(B) for a batch of matrices, in double precision, from the stored values (the reference). */
function reference(a: tf.Tensor, b: tf.Tensor, tA: boolean, tB: boolean): number[] {
  const [A, B] = [a.arraySync() as number[][][], b.arraySync() as number[][][]];
  const out: number[] = [];
  for (let n = 0; n < A.length; n++) {
    const at = (i: number, k: number) => (tA ? A[n][k][i] : A[n][i][k]);
    const bt = (k: number, j: number) => (tB ? B[n][j][k] : B[n][k][j]);
    const rows = tA ? A[n][0].length : A[n].length, inner = tA ? A[n].length : A[n][0].length;
    const cols = tB ? B[n].length : B[n][0].length;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let k = 0; k < inner; k++) s += at(i, k) * bt(k, j);
      out.push(s);
    }
  }
  return out;
}

describe('wasm BatchMatMul with a transposed operand (wasm-matmul.ts)', () => {
  const M = 7, K = 33, N = 5;
  for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    it(`transposeA=${tA}, transposeB=${tB}: equals the product computed by hand, rank 2 and 3`, () => {
      const rng = new Rng(3);
      for (const batch of [[], [2]]) {
        const a = random(rng, [...batch, ...(tA ? [K, M] : [M, K])]), b = random(rng, [...batch, ...(tB ? [N, K] : [K, N])]);
        const got = Array.from(tf.matMul(a, b, tA, tB).dataSync());
        const want = reference(batch.length ? a : a.expandDims(0), batch.length ? b : b.expandDims(0), tA, tB);
        expect(got.length).toBe(want.length);
        for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
        tf.dispose([a, b]);
      }
    });
  }

  it('takes the Transpose + plain product route (bit for bit), unlike wasm\'s own kernel', () => {
    const rng = new Rng(4);
    const x = random(rng, [128, 200]), dy = random(rng, [128, 60]);
    const route = Array.from(tf.matMul(tf.transpose(x), dy).dataSync());
    const fast = Array.from(tf.matMul(x, dy, true, false).dataSync());
    setFastTransposedMatMul(false);
    const own = Array.from(tf.matMul(x, dy, true, false).dataSync());
    expect(fast).toEqual(route);
    expect(own).not.toEqual(route); // wasm's plain loop sums in another order
    let worst = 0;
    for (let i = 0; i < own.length; i++) worst = Math.max(worst, Math.abs(own[i] - fast[i]));
    expect(worst).toBeLessThan(1e-4);
    tf.dispose([x, dy]);
  });

  it('frees the transposed copies it makes', () => {
    const rng = new Rng(5);
    const a = random(rng, [40, 30]), b = random(rng, [20, 40]);
    const before = tf.engine().backend.numDataIds();
    for (let i = 0; i < 5; i++) tf.matMul(a, b, true, true).dispose();
    expect(tf.engine().backend.numDataIds()).toBe(before);
    tf.dispose([a, b]);
  });
});
