/**
 * IDX files (LeCun's MNIST format, also Fashion-MNIST, KMNIST, EMNIST), gzipped or not.
 * Layout: magic 0x0000 08 NN (unsigned bytes, NN dimensions), NN big-endian uint32
 * sizes, then prod(sizes) bytes. Images are 0x00000803 [n, rows, cols], labels
 * 0x00000801 [n]. Every problem is one line naming the file.
 *
 * A directory holds the four standard files (each optionally .gz; the `name.idx3-ubyte`
 * spelling of some unpackers is accepted too):
 *   train-images-idx3-ubyte  train-labels-idx1-ubyte  t10k-images-idx3-ubyte  t10k-labels-idx1-ubyte
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BYTE_LEVELS, sharedInt32, sharedUint8, type Dataset, type Labeled } from './dataset.js';

export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

export interface IdxArray { file: string; dims: number[]; data: Uint8Array }

/** Read one IDX file (gunzipping when it starts with the gzip signature) and check its header. */
export function readIdx(file: string, expectMagic: number): IdxArray {
  let bytes: Uint8Array;
  try { bytes = readFileSync(file); } catch (e) { throw new Error(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try { bytes = gunzipSync(bytes); } catch (e) { throw new Error(`${file}: corrupt gzip data (${(e as Error).message})`); }
  }
  if (bytes.length < 4) throw new Error(`${file}: truncated IDX file (${bytes.length} bytes, no header)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expectMagic) {
    const hex = (m: number) => `0x${m.toString(16).padStart(8, '0')}`;
    const what = expectMagic === IDX_IMAGES_MAGIC ? 'images (idx3-ubyte)' : 'labels (idx1-ubyte)';
    throw new Error(`${file}: not an IDX ${what} file: magic number ${hex(magic)}, expected ${hex(expectMagic)}`);
  }
  const ndim = magic & 0xff, headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) throw new Error(`${file}: truncated IDX header (${bytes.length} bytes, need ${headerBytes})`);
  const dims = Array.from({ length: ndim }, (_, k) => view.getUint32(4 + 4 * k, false));
  const size = dims.reduce((a, b) => a * b, 1), have = bytes.length - headerBytes;
  if (have < size) throw new Error(`${file}: truncated: header says ${dims.join('×')} = ${size} bytes of data, file has ${have}`);
  if (have > size) throw new Error(`${file}: corrupt: ${have - size} bytes after the ${dims.join('×')} data the header announces`);
  return { file, dims, data: bytes.subarray(headerBytes) };
}

/** One images file + its labels file → a labelled set (pixel bytes kept, in shared memory; value = byte/255). */
export function readIdxPair(imagesFile: string, labelsFile: string, classes: number): { set: Labeled; rows: number; cols: number } {
  const images = readIdx(imagesFile, IDX_IMAGES_MAGIC), labels = readIdx(labelsFile, IDX_LABELS_MAGIC);
  const [n, rows, cols] = images.dims;
  if (!n || !rows || !cols) throw new Error(`${imagesFile}: empty image array (${images.dims.join('×')})`);
  if (labels.dims[0] !== n) throw new Error(`${labelsFile}: ${labels.dims[0]} labels, but ${imagesFile} has ${n} images`);
  const y = sharedInt32(n);
  for (let i = 0; i < n; i++) {
    const v = labels.data[i];
    if (v >= classes) throw new Error(`${labelsFile}: label ${v} at index ${i} is outside 0..${classes - 1}`);
    y[i] = v;
  }
  const codes = sharedUint8(images.data.length);
  codes.set(images.data);
  return { set: { codes, y, n }, rows, cols };
}

/** The file in `dir` for a standard IDX base name, e.g. "train-images-idx3-ubyte". */
export function findIdxFile(dir: string, base: string): string {
  const dotted = base.replace(/-(idx\d-ubyte)$/, '.$1');
  for (const name of [base, `${base}.gz`, dotted, `${dotted}.gz`]) {
    const file = join(dir, name);
    if (existsSync(file)) return file;
  }
  throw new Error(`${dir}: no ${base}[.gz] (an IDX dataset directory holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each optionally .gz)`);
}

/** The four files of an MNIST-format dataset directory (throws naming the first one missing). */
export function idxFiles(dir: string, name = 'mnist'): { trainImages: string; trainLabels: string; testImages: string; testLabels: string } {
  if (!existsSync(dir)) throw new Error(`${dir}: dataset directory not found (dataset "${name}")`);
  return {
    trainImages: findIdxFile(dir, 'train-images-idx3-ubyte'), trainLabels: findIdxFile(dir, 'train-labels-idx1-ubyte'),
    testImages: findIdxFile(dir, 't10k-images-idx3-ubyte'), testLabels: findIdxFile(dir, 't10k-labels-idx1-ubyte'),
  };
}

/** Train and test sets of an MNIST-format dataset from `dir`. */
export function loadIdxDataset(name: string, dir: string, classes = 10): Dataset {
  const f = idxFiles(dir, name);
  const train = readIdxPair(f.trainImages, f.trainLabels, classes), test = readIdxPair(f.testImages, f.testLabels, classes);
  if (test.rows !== train.rows || test.cols !== train.cols) {
    throw new Error(`${f.testImages}: ${test.rows}×${test.cols} images, but the training images are ${train.rows}×${train.cols}`);
  }
  return { name: `${name} (${dir})`, imageShape: [train.rows, train.cols, 1], classes, levels: BYTE_LEVELS, train: train.set, test: test.set };
}
