import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, loadIdxDataset, readIdx, readIdxHeader, validateIdxDataset } from './idx.js';
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

/** Each defect of a standard directory and the one line that names it (loader and validator alike). */
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

/** The message of what `f` throws ('' when it does not). */
const thrown = (f: () => unknown) => { try { f(); return ''; } catch (e) { return (e as Error).message; } };

describe('validateIdxDataset: every invariant before any run, without keeping pixels', () => {
  for (const gz of [false, true]) {
    it(`passes a good ${gz ? 'gzipped' : 'plain'} hand-made set and says what it holds`, () => {
      const dir = writeDir(`valid-${gz}`, standard(gz));
      expect(validateIdxDataset('mnist', dir)).toEqual({ rows: 3, cols: 2, train: 12, test: 5 });
      expect(() => checkDataset({ name: 'fashion-mnist', source: { dir } })).not.toThrow();
    });
  }

  it('readIdxHeader: a plain file\'s sizes from its header and its size on disk; a gzipped one inflated', () => {
    writeFileSync(join(tmp, 'h-idx3-ubyte'), images(7));
    writeFileSync(join(tmp, 'h-idx3-ubyte.gz'), gzipSync(images(7)));
    expect(readIdxHeader(join(tmp, 'h-idx3-ubyte'), IDX_IMAGES_MAGIC)).toEqual({ file: join(tmp, 'h-idx3-ubyte'), dims: [7, 3, 2] });
    expect(readIdxHeader(join(tmp, 'h-idx3-ubyte.gz'), IDX_IMAGES_MAGIC).dims).toEqual([7, 3, 2]);
    writeFileSync(join(tmp, 'short-idx3-ubyte'), images(7).subarray(0, 3));
    expect(thrown(() => readIdxHeader(join(tmp, 'short-idx3-ubyte'), IDX_IMAGES_MAGIC))).toBe(`${join(tmp, 'short-idx3-ubyte')}: truncated IDX file (3 bytes, no header)`);
    expect(thrown(() => readIdxHeader(join(tmp, 'none-idx3-ubyte'), IDX_IMAGES_MAGIC))).toBe(`${join(tmp, 'none-idx3-ubyte')}: cannot read (ENOENT)`);
  });

  const labelsWith = (n: number, at: number, value: number) => idx(IDX_LABELS_MAGIC, [n], Array.from({ length: n }, (_, i) => (i === at ? value : i % 10)));
  const gzImages = gzipSync(images(12));
  // [defect, files replaced (plain set unless a .gz name is given), file named, the rest of the line]
  const defects: [string, Record<string, Buffer>, string, string][] = [
    ['train labels fewer than images', { 'train-labels-idx1-ubyte': labels(11) }, 'train-labels-idx1-ubyte', '11 labels, but train-images-idx3-ubyte has 12 images'],
    ['test labels more than images', { 't10k-labels-idx1-ubyte': labels(6) }, 't10k-labels-idx1-ubyte', '6 labels, but t10k-images-idx3-ubyte has 5 images'],
    ['a train label out of range', { 'train-labels-idx1-ubyte': labelsWith(12, 7, 10) }, 'train-labels-idx1-ubyte', 'label 10 at index 7 is outside 0..9'],
    ['a test label out of range', { 't10k-labels-idx1-ubyte': labelsWith(5, 3, 12) }, 't10k-labels-idx1-ubyte', 'label 12 at index 3 is outside 0..9'],
    ['a test label 255 in a gzipped file', { 't10k-labels-idx1-ubyte': Buffer.alloc(0), 't10k-labels-idx1-ubyte.gz': gzipSync(labelsWith(5, 4, 255)) }, 't10k-labels-idx1-ubyte.gz', 'label 255 at index 4 is outside 0..9'],
    ['test images with other rows', { 't10k-images-idx3-ubyte': idx(IDX_IMAGES_MAGIC, [5, 4, 2], Array(40).fill(0)) }, 't10k-images-idx3-ubyte', '4×2 images, but the training images are 3×2'],
    ['test images with other columns', { 't10k-images-idx3-ubyte': idx(IDX_IMAGES_MAGIC, [5, 3, 3], Array(45).fill(0)) }, 't10k-images-idx3-ubyte', '3×3 images, but the training images are 3×2'],
    ['a truncated train image file (one image short)', { 'train-images-idx3-ubyte': images(12).subarray(0, 16 + 11 * 6) }, 'train-images-idx3-ubyte', 'truncated: header says 12×3×2 = 72 bytes of data, file has 66'],
    ['a truncated test image file (half a header)', { 't10k-images-idx3-ubyte': images(5).subarray(0, 10) }, 't10k-images-idx3-ubyte', 'truncated IDX header (10 bytes, need 16)'],
    ['an image file with trailing bytes', { 'train-images-idx3-ubyte': Buffer.concat([images(12), Buffer.alloc(6)]) }, 'train-images-idx3-ubyte', 'corrupt: 6 bytes after the 12×3×2 data the header announces'],
    ['a truncated gzipped image stream', { 'train-images-idx3-ubyte': Buffer.alloc(0), 'train-images-idx3-ubyte.gz': gzImages.subarray(0, gzImages.length - 8) }, 'train-images-idx3-ubyte.gz', 'corrupt gzip data (unexpected end of file)'],
    ['a gzipped image file one image short', { 'train-images-idx3-ubyte': Buffer.alloc(0), 'train-images-idx3-ubyte.gz': gzipSync(images(12).subarray(0, 16 + 11 * 6)) }, 'train-images-idx3-ubyte.gz', 'truncated: header says 12×3×2 = 72 bytes of data, file has 66'],
    ['labels where images belong', { 'train-images-idx3-ubyte': labels(12) }, 'train-images-idx3-ubyte', 'not an IDX images (idx3-ubyte) file: magic number 0x00000801, expected 0x00000803'],
    ['an empty image array', { 't10k-images-idx3-ubyte': idx(IDX_IMAGES_MAGIC, [0, 3, 2], []), 't10k-labels-idx1-ubyte': labels(0) }, 't10k-images-idx3-ubyte', 'empty image array (0×3×2)'],
  ];
  for (const [what, over, file, rest] of defects) {
    it(`reports ${what}: one line naming ${file}, the loader's own words`, () => {
      const files = standard(false, over);
      for (const [f, b] of Object.entries(over)) if (b.length === 0 && !f.endsWith('.gz')) delete files[f]; // replaced by its .gz
      const dir = writeDir(`v-${what.replace(/\W+/g, '_')}`, files), line = `${join(dir, file)}: ${rest}`;
      expect(thrown(() => validateIdxDataset('mnist', dir))).toBe(line);
      expect(thrown(() => loadIdxDataset('mnist', dir))).toBe(line);
      expect(thrown(() => checkDataset({ name: 'kmnist', source: { dir } }))).toBe(`dataset kmnist: ${line}`);
    });
  }

  it('reports every defect of the loader\'s table with the loader\'s message', () => {
    for (const [what, over] of bad) {
      const dir = writeDir(`vt-${what.replace(/\W+/g, '_')}`, standard(false, over));
      expect(thrown(() => validateIdxDataset('mnist', dir)), what).toBe(thrown(() => loadIdxDataset('mnist', dir)));
    }
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

  it('passes validateIdxDataset (the check before any run) and checkDataset', () => {
    expect(validateIdxDataset('fashion-mnist', DEBIAN)).toEqual({ rows: 28, cols: 28, train: 60000, test: 10000 });
    expect(() => checkDataset({ name: 'fashion-mnist', source: { dir: DEBIAN } })).not.toThrow();
  });
});
