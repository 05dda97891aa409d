import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, mnistDataDir, readIdx } from '@clbench/data';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// Pool code loads dist/worker.js: import the built package, as the CLI does.
import { expandMatrix, ThreadPool } from '@clbench/runner';
import { tempDir, tinySuite } from './test-util.js';

/** The first n images and labels of a real IDX pair, as a new IDX pair (header count changed). */
function head(file: string, magic: number, n: number): Buffer {
  const { dims, data } = readIdx(join(mnistDataDir(), file), magic), per = dims.slice(1).reduce((a, b) => a * b, 1);
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  [n, ...dims.slice(1)].forEach((d, k) => header.writeUInt32BE(d, 4 + 4 * k));
  return Buffer.concat([header, Buffer.from(data.subarray(0, n * per))]);
}

describe('the thread pool shares the coordinator\'s dataset with its workers', () => {
  it('a fresh worker runs on a dataset whose files are gone, because the coordinator sends what it loaded', async () => {
    const dir = join(tempDir('shared-data'), 'idx');
    mkdirSync(dir);
    for (const [name, magic, n] of [['train-images-idx3-ubyte', IDX_IMAGES_MAGIC, 600], ['train-labels-idx1-ubyte', IDX_LABELS_MAGIC, 600],
      ['t10k-images-idx3-ubyte', IDX_IMAGES_MAGIC, 200], ['t10k-labels-idx1-ubyte', IDX_LABELS_MAGIC, 200]] as const) {
      writeFileSync(join(dir, name), head(name, magic, n));
    }
    const suite = tinySuite({ dataset: { name: 'mnist', source: { dir }, limit: 30 }, methods: [{ name: 'naive' }], orderings: { explicit: [[]] } });
    const [first, second] = expandMatrix(suite);
    const a = new ThreadPool({ workers: 1, backend: 'wasm' });
    const r1 = await a.run(first, 1, () => {});
    if (!r1) throw new Error('the pool stopped the run before it finished'); // run() gives null for a run stopped at a step boundary
    await a.close();
    expect(r1.status, r1.status === 'failed' ? r1.error : '').toBe('ok');

    rmSync(dir, { recursive: true });
    // new pool, new worker thread with empty caches: it can only have the data from the coordinator
    const b = new ThreadPool({ workers: 1, backend: 'wasm' });
    const r2 = await b.run(second, 1, () => {});
    if (!r2) throw new Error('the pool stopped the run before it finished'); // run() gives null for a run stopped at a step boundary
    await b.close();
    expect(r2.status, r2.status === 'failed' ? r2.error : '').toBe('ok');
    if (r2.status === 'ok') expect(r2.accuracyMatrix[0][0]).toBeGreaterThan(0.6); // learned from the real digits it was sent
  });
});
