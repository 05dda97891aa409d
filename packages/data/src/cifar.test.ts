import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CIFAR100_DIR, CIFAR10_DIR, loadCifar, loadCifar10, loadCifar100, loadCifar10And100, validateCifar, type CifarName } from './cifar.js';
import { checkDataset } from './load.js';
import { buildScenario } from './scenarios.js';

const tmp = mkdtempSync(join(tmpdir(), 'clbench-cifar-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Pixel byte of record `i`, channel `ch`, row `r`, column `c` in our synthetic files. */
const px = (i: number, ch: number, r: number, c: number) => (i * 7 + ch * 50 + r * 3 + c) % 256;

/** Records in the official layout: label byte(s), then 1024 R, 1024 G, 1024 B (row-major 32×32). */
function records(labels: number[][]): Buffer {
  const L = labels[0].length, rec = L + 3072, out = Buffer.alloc(labels.length * rec);
  labels.forEach((lab, i) => {
    lab.forEach((v, k) => { out[i * rec + k] = v; });
    for (let ch = 0; ch < 3; ch++) for (let r = 0; r < 32; r++) for (let c = 0; c < 32; c++) out[i * rec + L + ch * 1024 + r * 32 + c] = px(i, ch, r, c);
  });
  return out;
}

/** CIFAR-10 batch with `n` records labelled (offset + i) mod 10; CIFAR-100 with coarse f/5, fine f. */
const c10 = (n: number, offset = 0) => records(Array.from({ length: n }, (_, i) => [(offset + i) % 10]));
const c100 = (n: number) => records(Array.from({ length: n }, (_, i) => [Math.floor((i % 100) / 5), i % 100]));

function writeSets(name: string, over: Record<string, Buffer> = {}): string {
  const root = join(tmp, name);
  rmSync(root, { recursive: true, force: true });
  const files: Record<string, Buffer> = {
    ...Object.fromEntries([1, 2, 3, 4, 5].map((k) => [`${CIFAR10_DIR}/data_batch_${k}.bin`, c10(20, k)])),
    [`${CIFAR10_DIR}/test_batch.bin`]: c10(10),
    [`${CIFAR100_DIR}/train.bin`]: c100(200),
    [`${CIFAR100_DIR}/test.bin`]: c100(100),
    ...over,
  };
  for (const [f, b] of Object.entries(files)) { mkdirSync(join(root, f, '..'), { recursive: true }); writeFileSync(join(root, f), b); }
  return root;
}

describe('CIFAR binary loaders', () => {
  const root = writeSets('ok');

  it('CIFAR-10: reads the 5 training batches in order and reorders CHW bytes to HWC (value = byte/255)', () => {
    const d = loadCifar10(root);
    expect([d.train.n, d.test.n, d.classes, ...d.imageShape]).toEqual([100, 10, 10, 32, 32, 3]);
    expect(Array.from(d.train.y.subarray(0, 3))).toEqual([1, 2, 3]);      // batch 1 starts at label 1
    expect(d.train.y[20]).toBe(2);                                         // batch 2 starts at label 2
    // record 3 of batch 1, row 5, column 9, channel 2 (blue) sits at HWC offset (5·32 + 9)·3 + 2
    const D = 3072, i = 3;
    expect(d.train.codes[i * D + (5 * 32 + 9) * 3 + 2]).toBe(px(i, 2, 5, 9));
    expect(d.train.codes[i * D + (31 * 32 + 0) * 3 + 0]).toBe(px(i, 0, 31, 0));
    expect(d.levels[px(i, 2, 5, 9)]).toBe(Math.fround(px(i, 2, 5, 9) / 255));
  });

  it('accepts the unpacked folder itself as the directory', () => {
    expect(loadCifar10(join(root, CIFAR10_DIR)).train.n).toBe(100);
  });

  it('CIFAR-100: uses the fine label (second byte)', () => {
    const d = loadCifar100(root);
    expect([d.train.n, d.test.n, d.classes]).toEqual([200, 100, 100]);
    expect(Array.from(d.train.y.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(d.test.codes[7 * 3072 + (2 * 32 + 4) * 3 + 1]).toBe(px(7, 1, 2, 4));
  });

  it('cifar10-100: CIFAR-100 fine class f becomes class 10 + f', () => {
    const d = loadCifar10And100(root);
    expect([d.train.n, d.test.n, d.classes]).toEqual([300, 110, 110]);
    expect(d.train.y[100]).toBe(10);
    expect(d.train.y[100 + 57]).toBe(67);
  });

  it('split-cifar: task 0 = CIFAR-10, task k = CIFAR-100 classes 10(k-1)..10k-1, local labels, per-task heads', () => {
    const d = loadCifar10And100(root);
    const s = buildScenario(d, { type: 'split-cifar', incremental: 'task', tasks: 6 }, { seed: 0, ordering: [], validationFraction: 0, image: true });
    expect(s.headOutputs).toEqual([10, 10, 10, 10, 10, 10]);
    expect(s.inputShape).toEqual([32, 32, 3]);
    expect(s.tasks.map((t) => t.name)).toEqual(['CIFAR-10', 'CIFAR-100 classes 0-9', 'CIFAR-100 classes 10-19', 'CIFAR-100 classes 20-29', 'CIFAR-100 classes 30-39', 'CIFAR-100 classes 40-49']);
    expect(s.tasks[2].classes).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    expect(s.tasks[0].train.n).toBe(100);
    expect(s.tasks[2].train.n).toBe(20);  // fine classes 10..19, twice each in 200 records
    expect(s.tasks[2].test.n).toBe(10);
    expect(Math.max(...s.tasks[2].train.y)).toBe(9);
    // each sample's pixels identify its CIFAR-100 record i (px(i, 0, 0, 0) = 7i mod 256 is one-to-one for i < 256);
    // record i has fine label i mod 100, so task 2 (fine 10..19) must hold label (i mod 100) - 10
    const t = s.tasks[2].train, records = new Set<number>();
    for (let k = 0; k < t.n; k++) {
      const i = [...Array(200).keys()].find((j) => Math.abs(px(j, 0, 0, 0) / 255 - t.x[k * 3072]) < 1e-6)!;
      records.add(i);
      expect(t.y[k]).toBe((i % 100) - 10);
      expect(t.x[k * 3072 + (1 * 32 + 1) * 3 + 2]).toBeCloseTo(px(i, 2, 1, 1) / 255, 7);
    }
    expect([...records].sort((a, b) => a - b)).toEqual([...[...Array(10).keys()].map((j) => 10 + j), ...[...Array(10).keys()].map((j) => 110 + j)]);
  });

  it('split-cifar refuses a dataset that is not cifar10-100', () => {
    expect(() => buildScenario(loadCifar10(root), { type: 'split-cifar', incremental: 'task', tasks: 6 }, { seed: 0, ordering: [], validationFraction: 0, image: true }))
      .toThrow(/split-cifar" needs dataset "cifar10-100"/);
  });

  const bad: [string, Record<string, Buffer>, () => unknown, RegExp][] = [
    ['a truncated CIFAR-10 batch', { [`${CIFAR10_DIR}/data_batch_3.bin`]: c10(20).subarray(0, 3073 * 19 + 100) }, () => loadCifar10(join(tmp, 'bad0')),
      /data_batch_3\.bin: truncated or corrupt: 58487 bytes is not a whole number of 3073-byte records/],
    ['CIFAR-10 records in a CIFAR-100 file (wrong record size)', { [`${CIFAR100_DIR}/test.bin`]: c10(3) }, () => loadCifar100(join(tmp, 'bad1')),
      /test\.bin: truncated or corrupt: 9219 bytes is not a whole number of 3074-byte records/],
    ['a label byte outside 0..9', { [`${CIFAR10_DIR}/test_batch.bin`]: records([[3], [200]]) }, () => loadCifar10(join(tmp, 'bad2')),
      /test_batch\.bin: record 1: label 200 is outside 0\.\.9/],
    ['a coarse label outside 0..19', { [`${CIFAR100_DIR}/train.bin`]: records([[19, 99], [20, 3]]) }, () => loadCifar100(join(tmp, 'bad3')),
      /train\.bin: record 1: coarse label 20 is outside 0\.\.19/],
    ['an empty batch', { [`${CIFAR10_DIR}/data_batch_5.bin`]: Buffer.alloc(0) }, () => loadCifar10(join(tmp, 'bad4')), /data_batch_5\.bin: empty file/],
  ];
  bad.forEach(([what, over, load, msg], k) => {
    it(`rejects ${what} with a one-line error naming the file`, () => {
      writeSets(`bad${k}`, over);
      let err: Error | undefined;
      try { load(); } catch (e) { err = e as Error; }
      expect(err?.message).toMatch(msg);
      expect(err?.message).not.toContain('\n');
    });
  });

  const thrown = (f: () => unknown) => { try { f(); return ''; } catch (e) { return (e as Error).message; } };

  it('validateCifar passes the good hand-made sets and counts their records', () => {
    expect(validateCifar('cifar10', root)).toEqual({ train: 100, test: 10 });
    expect(validateCifar('cifar100', root)).toEqual({ train: 200, test: 100 });
    expect(validateCifar('cifar10-100', root)).toEqual({ train: 300, test: 110 });
    expect(() => checkDataset({ name: 'cifar10-100', source: { dir: root } })).not.toThrow();
  });

  /** A CIFAR-10 batch of `n` records with label `value` at record `at` (labels otherwise i mod 10). */
  const c10With = (n: number, at: number, value: number) => records(Array.from({ length: n }, (_, i) => [i === at ? value : i % 10]));
  // [defect, files replaced, dataset, file named (under root), the rest of the line]
  const defects: [string, Record<string, Buffer>, CifarName, string, string][] = [
    ['a label out of range in the first chunk', { [`${CIFAR10_DIR}/data_batch_2.bin`]: c10With(20, 5, 10) }, 'cifar10', `${CIFAR10_DIR}/data_batch_2.bin`, 'record 5: label 10 is outside 0..9 (corrupt file, or not CIFAR-10)'],
    ['a label out of range at the start of the second chunk', { [`${CIFAR10_DIR}/test_batch.bin`]: c10With(300, 256, 77) }, 'cifar10', `${CIFAR10_DIR}/test_batch.bin`, 'record 256: label 77 is outside 0..9 (corrupt file, or not CIFAR-10)'],
    ['a label out of range in the last record', { [`${CIFAR10_DIR}/test_batch.bin`]: c10With(300, 299, 255) }, 'cifar10', `${CIFAR10_DIR}/test_batch.bin`, 'record 299: label 255 is outside 0..9 (corrupt file, or not CIFAR-10)'],
    ['a fine label out of range', { [`${CIFAR100_DIR}/test.bin`]: records([[0, 0], [19, 100]]) }, 'cifar100', `${CIFAR100_DIR}/test.bin`, 'record 1: label 100 is outside 0..99 (corrupt file, or not CIFAR-100)'],
    ['a coarse label out of range (cifar10-100)', { [`${CIFAR100_DIR}/train.bin`]: records([[19, 99], [20, 3]]) }, 'cifar10-100', `${CIFAR100_DIR}/train.bin`, 'record 1: coarse label 20 is outside 0..19 (corrupt file, or not CIFAR-100)'],
    ['a truncated batch', { [`${CIFAR10_DIR}/data_batch_4.bin`]: c10(20).subarray(0, 3073 * 20 - 1) }, 'cifar10', `${CIFAR10_DIR}/data_batch_4.bin`, 'truncated or corrupt: 61459 bytes is not a whole number of 3073-byte records (1 label byte + 3072 pixels)'],
    ['an empty batch', { [`${CIFAR10_DIR}/data_batch_1.bin`]: Buffer.alloc(0) }, 'cifar10', `${CIFAR10_DIR}/data_batch_1.bin`, 'empty file'],
  ];
  defects.forEach(([what, over, name, file, rest], k) => {
    it(`validateCifar reports ${what}: one line naming the file, the loader's own words`, () => {
      const dir = writeSets(`vbad${k}`, over), line = `${join(dir, file)}: ${rest}`;
      expect(thrown(() => validateCifar(name, dir))).toBe(line);
      expect(thrown(() => loadCifar(name, dir))).toBe(line);
      expect(thrown(() => checkDataset({ name, source: { dir } }))).toBe(`dataset ${name}: ${line}`);
    });
  });

  it('checkDataset finds a missing batch file without reading any, naming it', () => {
    const dir = writeSets('no-batch4');
    rmSync(join(dir, CIFAR10_DIR, 'data_batch_4.bin'));
    expect(() => checkDataset({ name: 'cifar10-100', source: { dir } })).toThrow(/^dataset cifar10-100: .*data_batch_4\.bin: missing \(dataset cifar10-100 needs data_batch_1\.bin, .*test\.bin\)$/);
    expect(() => checkDataset({ name: 'cifar10-100', source: { dir: root } })).not.toThrow();
  });

  it('names the directory when the files are not there', () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty, { recursive: true });
    expect(() => loadCifar10And100(empty)).toThrow(new RegExp(`${empty}: no CIFAR-10 binary files here \\(expected data_batch_1\\.bin`));
  });
});
