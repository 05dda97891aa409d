import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, loadIdxDataset, readIdx } from './idx.js';
import { checkDataset, loadDataset } from './load.js';

const tmp = mkdtempSync(join(tmpdir(), 'clbench-idx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An IDX file: big-endian magic, sizes, then the bytes. */
function idx(magic: number, dims: number[], data: ArrayLike<number>): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(magic, 0);
  dims.forEach((d, k) => head.writeUInt32BE(d, 4 + 4 * k));
  return Buffer.concat([head, Buffer.from(Uint8Array.from(data))]);
}

/** n images of 3×2 pixels: image i has pixel p = (10·i + p) mod 256; label i mod 10. */
const images = (n: number) => idx(IDX_IMAGES_MAGIC, [n, 3, 2], Array.from({ length: n * 6 }, (_, k) => (10 * Math.floor(k / 6) + (k % 6)) % 256));
const labels = (n: number) => idx(IDX_LABELS_MAGIC, [n], Array.from({ length: n }, (_, i) => i % 10));

function writeDir(name: string, files: Record<string, Buffer>): string {
  const dir = join(tmp, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [f, b] of Object.entries(files)) writeFileSync(join(dir, f), b);
  return dir;
}

const standard = (gz: boolean, over: Record<string, Buffer> = {}) => {
  const z = (b: Buffer) => (gz ? gzipSync(b) : b), ext = gz ? '.gz' : '';
  return {
    [`train-images-idx3-ubyte${ext}`]: z(images(12)), [`train-labels-idx1-ubyte${ext}`]: z(labels(12)),
    [`t10k-images-idx3-ubyte${ext}`]: z(images(5)), [`t10k-labels-idx1-ubyte${ext}`]: z(labels(5)),
    ...over,
  };
};

describe('readIdx', () => {
  it('reads dimensions and data of a plain and a gzipped file identically', () => {
    writeFileSync(join(tmp, 'a-idx3-ubyte'), images(4));
    writeFileSync(join(tmp, 'a-idx3-ubyte.gz'), gzipSync(images(4)));
    const plain = readIdx(join(tmp, 'a-idx3-ubyte'), IDX_IMAGES_MAGIC), gz = readIdx(join(tmp, 'a-idx3-ubyte.gz'), IDX_IMAGES_MAGIC);
    expect(plain.dims).toEqual([4, 3, 2]);
    expect(Array.from(plain.data.subarray(6, 12))).toEqual([10, 11, 12, 13, 14, 15]);
    expect(gz.dims).toEqual(plain.dims);
    expect(Buffer.from(gz.data).equals(Buffer.from(plain.data))).toBe(true);
  });
});

describe('loadIdxDataset', () => {
  for (const gz of [false, true]) {
    it(`loads a directory of ${gz ? 'gzipped' : 'plain'} standard files: bytes kept, value = byte/255`, () => {
      const d = loadIdxDataset('mnist', writeDir(`ok-${gz}`, standard(gz)));
      expect(d.imageShape).toEqual([3, 2, 1]);
      expect([d.train.n, d.test.n]).toEqual([12, 5]);
      expect(d.train.codes.length).toBe(12 * 6);
      expect(d.train.codes[2 * 6 + 5]).toBe(25); // image 2, pixel 5
      expect(d.levels[25]).toBe(Math.fround(25 / 255));
      expect(Array.from(d.test.y)).toEqual([0, 1, 2, 3, 4]);
    });
  }

  it('goes through loadDataset for fashion-mnist / kmnist with a { dir } source', () => {
    const dir = writeDir('via-load', standard(true));
    expect(loadDataset({ name: 'kmnist', source: { dir } }).train.n).toBe(12);
    expect(() => loadDataset({ name: 'fashion-mnist', source: 'embedded' })).toThrow(/no embedded copy/);
  });

  const bad: [string, Record<string, Buffer>, RegExp][] = [
    ['wrong magic (labels file where images are expected)', { 'train-images-idx3-ubyte': labels(12) }, /train-images-idx3-ubyte: not an IDX images \(idx3-ubyte\) file: magic number 0x00000801, expected 0x00000803/],
    ['wrong magic (random bytes)', { 't10k-labels-idx1-ubyte': Buffer.from('GIF89a....') }, /t10k-labels-idx1-ubyte: not an IDX labels .* magic number 0x47494638/],
    ['truncated data', { 'train-images-idx3-ubyte': images(12).subarray(0, 40) }, /train-images-idx3-ubyte: truncated: header says 12×3×2 = 72 bytes of data, file has 24/],
    ['truncated header', { 'train-labels-idx1-ubyte': labels(12).subarray(0, 6) }, /train-labels-idx1-ubyte: truncated IDX header/],
    ['trailing bytes', { 't10k-images-idx3-ubyte': Buffer.concat([images(5), Buffer.from([1, 2, 3])]) }, /t10k-images-idx3-ubyte: corrupt: 3 bytes after/],
    ['count mismatch', { 'train-labels-idx1-ubyte': labels(11) }, /train-labels-idx1-ubyte: 11 labels, but .*train-images-idx3-ubyte has 12 images/],
    ['label out of range', { 'train-labels-idx1-ubyte': idx(IDX_LABELS_MAGIC, [12], Array(12).fill(12)) }, /train-labels-idx1-ubyte: label 12 at index 0 is outside 0..9/],
    ['test images of another size', { 't10k-images-idx3-ubyte': idx(IDX_IMAGES_MAGIC, [5, 2, 3], Array(30).fill(0)) }, /t10k-images-idx3-ubyte: 2×3 images, but the training images are 3×2/],
  ];
  for (const [what, over, msg] of bad) {
    it(`rejects ${what} with a one-line error naming the file`, () => {
      const dir = writeDir(what.replace(/\W+/g, '_'), standard(false, over));
      let err: Error | undefined;
      try { loadIdxDataset('mnist', dir); } catch (e) { err = e as Error; }
      expect(err?.message).toMatch(msg);
      expect(err?.message).not.toContain('\n');
    });
  }

  it('rejects a truncated gzip stream, naming the file', () => {
    const gz = gzipSync(images(12));
    const dir = writeDir('trunc-gz', { ...standard(true), 'train-images-idx3-ubyte.gz': gz.subarray(0, gz.length - 20) });
    expect(() => loadIdxDataset('mnist', dir)).toThrow(/train-images-idx3-ubyte\.gz: corrupt gzip data/);
  });

  it('names the directory and the missing file', () => {
    const files = standard(false);
    delete files['t10k-labels-idx1-ubyte'];
    const dir = writeDir('missing', files);
    expect(() => loadIdxDataset('mnist', dir)).toThrow(new RegExp(`${dir}: no t10k-labels-idx1-ubyte\\[\\.gz\\]`));
    expect(() => loadDataset({ name: 'mnist', source: { dir: join(tmp, 'nowhere') } })).toThrow(/dataset mnist: .*nowhere: dataset directory not found/);
    expect(() => checkDataset({ name: 'kmnist', source: { dir } })).toThrow(/^dataset kmnist: .*missing: no t10k-labels-idx1-ubyte\[\.gz\]/);
    expect(() => checkDataset({ name: 'kmnist', source: { dir: writeDir('complete', standard(true)) } })).not.toThrow();
  });
});

const DEBIAN = '/usr/share/datasets/fashion-mnist';
describe.skipIf(!existsSync(DEBIAN) && process.env.CI !== 'true')('Debian dataset-fashion-mnist', () => {
  it('loads the real 60 000 + 10 000 images with balanced labels', () => {
    const d = loadIdxDataset('fashion-mnist', DEBIAN);
    expect([d.train.n, d.test.n, ...d.imageShape]).toEqual([60000, 10000, 28, 28, 1]);
    const counts = new Array(10).fill(0);
    for (const v of d.test.y) counts[v]++;
    expect(counts).toEqual(new Array(10).fill(1000));
    let max = 0;
    for (let i = 0; i < 784; i++) max = Math.max(max, d.levels[d.train.codes[i]]);
    expect(max).toBeLessThanOrEqual(1);
    expect(max).toBeGreaterThan(0.5);
  });
});
