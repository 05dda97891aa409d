/**
 * CIFAR-10 / CIFAR-100 in the official binary formats (Krizhevsky 2009,
 * https://www.cs.toronto.edu/~kriz/cifar.html), converted to HWC bytes (value = byte/255).
 *  - CIFAR-10  (cifar-10-binary.tar.gz → cifar-10-batches-bin/): data_batch_1.bin ..
 *    data_batch_5.bin, test_batch.bin; records of 1 label byte + 3072 pixel bytes.
 *  - CIFAR-100 (cifar-100-binary.tar.gz → cifar-100-binary/): train.bin, test.bin;
 *    records of 1 coarse + 1 fine label byte + 3072 pixel bytes. We use the fine labels.
 * Pixels are channel-major: 1024 red (row-major 32×32), then 1024 green, then 1024 blue.
 * A dataset directory may be the unpacked folder itself or its parent (the folder
 * holding cifar-10-batches-bin/ and/or cifar-100-binary/, as both tarballs unpack).
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BYTE_LEVELS, sharedInt32, sharedUint8, type Dataset, type Labeled } from './dataset.js';

const SIDE = 32, PIXELS = SIDE * SIDE * 3; // 3072
export const CIFAR10_DIR = 'cifar-10-batches-bin';
export const CIFAR100_DIR = 'cifar-100-binary';
const CIFAR10_TRAIN = [1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`);

interface Format { labelBytes: 1 | 2; classes: number }
const CIFAR10: Format = { labelBytes: 1, classes: 10 };
const CIFAR100: Format = { labelBytes: 2, classes: 100 };

interface Part { file: string; fmt: Format; labelOffset: number }

/** Records in one batch file, from its size (a truncated file is not a whole number of records). */
function recordsIn(file: string, fmt: Format): number {
  let size: number;
  try { size = statSync(file).size; } catch (e) { throw new Error(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); }
  const record = fmt.labelBytes + PIXELS;
  if (size === 0) throw new Error(`${file}: empty file`);
  if (size % record !== 0) {
    throw new Error(`${file}: truncated or corrupt: ${size} bytes is not a whole number of ${record}-byte records (${fmt.labelBytes} label byte${fmt.labelBytes > 1 ? 's' : ''} + 3072 pixels)`);
  }
  return size / record;
}

/** The label of the record at byte `o` of `bytes` (record `i` of `file`), checked: CIFAR-100's coarse label within 0..19, the label within 0..classes-1. */
function recordLabel(file: string, fmt: Format, bytes: Uint8Array, o: number, i: number): number {
  if (fmt.labelBytes === 2 && bytes[o] >= 20) throw new Error(`${file}: record ${i}: coarse label ${bytes[o]} is outside 0..19 (corrupt file, or not CIFAR-100)`);
  const label = bytes[o + fmt.labelBytes - 1]; // CIFAR-100: the fine label is the second byte
  if (label >= fmt.classes) throw new Error(`${file}: record ${i}: label ${label} is outside 0..${fmt.classes - 1} (corrupt file, or not CIFAR-${fmt.classes})`);
  return label;
}

/** Decode batch files into one labelled set, allocated once in shared memory (CIFAR-10/100 train is 300 MB as bytes, 1.2 GB as floats). */
export function readCifarFiles(parts: Part[]): Labeled {
  const counts = parts.map((p) => recordsIn(p.file, p.fmt));
  const n = counts.reduce((a, b) => a + b, 0), codes = sharedUint8(n * PIXELS), y = sharedInt32(n);
  let at = 0;
  parts.forEach(({ file, fmt, labelOffset }, k) => {
    const bytes = readFileSync(file), record = fmt.labelBytes + PIXELS;
    if (bytes.length !== counts[k] * record) throw new Error(`${file}: changed while being read`);
    for (let i = 0; i < counts[k]; i++, at++) {
      const o = i * record;
      y[at] = recordLabel(file, fmt, bytes, o, i) + labelOffset;
      const src = o + fmt.labelBytes, dst = at * PIXELS;
      // CHW (3, 32, 32) → HWC (32, 32, 3)
      for (let ch = 0; ch < 3; ch++) for (let p = 0; p < SIDE * SIDE; p++) codes[dst + p * 3 + ch] = bytes[src + ch * SIDE * SIDE + p];
    }
  });
  return { codes, y, n };
}

/**
 * Every record's label(s) of one batch file, read in chunks of whole records (no copy of the
 * file kept); `records` from its size (recordsIn). Throws the loader's one-line error.
 */
function checkCifarLabels({ file, fmt }: Part, records: number): void {
  const record = fmt.labelBytes + PIXELS, perChunk = 256, chunk = Buffer.alloc(perChunk * record);
  let fd: number;
  try { fd = openSync(file, 'r'); } catch (e) { throw new Error(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); }
  try {
    for (let first = 0; first < records; first += perChunk) {
      const want = Math.min(perChunk, records - first) * record;
      let got = 0;
      while (got < want) {
        const n = readSync(fd, chunk, got, want - got, first * record + got);
        if (n === 0) throw new Error(`${file}: changed while being read`);
        got += n;
      }
      for (let i = 0; i * record < want; i++) recordLabel(file, fmt, chunk, i * record, first + i);
    }
  } finally {
    closeSync(fd);
  }
}

/** The folder holding `marker`: `dir` itself or `dir/sub`. */
function locate(dir: string, sub: string, marker: string, what: string): string {
  if (existsSync(join(dir, marker))) return dir;
  if (existsSync(join(dir, sub, marker))) return join(dir, sub);
  throw new Error(`${dir}: no ${what} here (expected ${marker} in it or in ${join(dir, sub)})`);
}

/** Train and test batch files of CIFAR-10 (labels 0..9) and/or CIFAR-100 (labels offset + fine label). */
function cifar10Parts(dir: string): { train: Part[]; test: Part[] } {
  const d = locate(dir, CIFAR10_DIR, CIFAR10_TRAIN[0], 'CIFAR-10 binary files');
  const part = (f: string): Part => ({ file: join(d, f), fmt: CIFAR10, labelOffset: 0 });
  return { train: CIFAR10_TRAIN.map(part), test: [part('test_batch.bin')] };
}

function cifar100Parts(dir: string, labelOffset: number): { train: Part[]; test: Part[] } {
  const d = locate(dir, CIFAR100_DIR, 'train.bin', 'CIFAR-100 binary files');
  const part = (f: string): Part => ({ file: join(d, f), fmt: CIFAR100, labelOffset });
  return { train: [part('train.bin')], test: [part('test.bin')] };
}

function build(name: string, classes: number, parts: { train: Part[]; test: Part[] }): Dataset {
  return { name, imageShape: [SIDE, SIDE, 3], classes, levels: BYTE_LEVELS, train: readCifarFiles(parts.train), test: readCifarFiles(parts.test) };
}

const PARTS = {
  cifar10: (dir: string) => cifar10Parts(dir),
  cifar100: (dir: string) => cifar100Parts(dir, 0),
  // CIFAR-10 and CIFAR-100 as one 110-class dataset for split CIFAR-10/100 (Zenke et al. 2017):
  // classes 0..9 are CIFAR-10's, class 10 + f is CIFAR-100's fine class f.
  'cifar10-100': (dir: string) => {
    const a = cifar10Parts(dir), b = cifar100Parts(dir, 10);
    return { train: [...a.train, ...b.train], test: [...a.test, ...b.test] };
  },
};
const CLASSES = { cifar10: 10, cifar100: 100, 'cifar10-100': 110 };
export type CifarName = keyof typeof PARTS;

/** The batch files a CIFAR dataset reads from `dir`; throws naming the first one missing or truncated. */
export function cifarFiles(name: CifarName, dir: string): string[] {
  const { train, test } = PARTS[name](dir), files = [...train, ...test].map((p) => p.file);
  const missing = files.find((f) => !existsSync(f));
  if (missing) throw new Error(`${missing}: missing (dataset ${name} needs ${files.map((f) => basename(f)).join(', ')})`);
  for (const p of [...train, ...test]) recordsIn(p.file, p.fmt); // sizes only: a truncated file is not a whole number of records
  return files;
}

/** cifar10, cifar100 (fine labels) or cifar10-100 (110 classes) from `dir`. */
export function loadCifar(name: CifarName, dir: string): Dataset {
  cifarFiles(name, dir);
  return build(`${name} (${dir})`, CLASSES[name], PARTS[name](dir));
}

/**
 * Every invariant loadCifar checks, without keeping any pixels (validation before any run):
 * each batch file present, non-empty and a whole number of records (the image and label of a
 * record cannot disagree in count; the image size is fixed, 32×32×3), and every record's
 * label within the dataset's classes (CIFAR-100: the coarse label within 0..19 too), read in
 * chunks of whole records. Returns the records of the training and test files; throws the
 * loader's one-line error naming the file.
 */
export function validateCifar(name: CifarName, dir: string): { train: number; test: number } {
  cifarFiles(name, dir);
  const { train, test } = PARTS[name](dir);
  const count = (parts: Part[]) => parts.reduce((total, p) => {
    const records = recordsIn(p.file, p.fmt);
    checkCifarLabels(p, records);
    return total + records;
  }, 0);
  return { train: count(train), test: count(test) };
}

export const loadCifar10 = (dir: string) => loadCifar('cifar10', dir);
export const loadCifar100 = (dir: string) => loadCifar('cifar100', dir);
/** `dir` holds cifar-10-batches-bin/ and cifar-100-binary/. */
export const loadCifar10And100 = (dir: string) => loadCifar('cifar10-100', dir);
