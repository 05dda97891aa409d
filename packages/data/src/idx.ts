/**
 * IDX files (LeCun's MNIST format, also Fashion-MNIST, KMNIST, EMNIST), gzipped or not.
 * Layout: magic 0x0000 08 NN (unsigned bytes, NN dimensions), NN big-endian uint32
 * sizes, then prod(sizes) bytes. Images are 0x00000803 [n, rows, cols], labels
 * 0x00000801 [n]. Every problem is one line naming the file.
 *
 * A directory holds the four standard files (each optionally .gz; the `name.idx3-ubyte`
 * spelling of some unpackers is accepted too):
 *   train-images-idx3-ubyte  train-labels-idx1-ubyte  t10k-images-idx3-ubyte  t10k-labels-idx1-ubyte
 *
 * The loader (loadIdxDataset) and the check before any run (validateIdxDataset) apply the
 * same invariants through the same functions, so both name a defect in the same words:
 * each file's magic number and header against its size; per split, as many labels as
 * images, every label within 0..classes-1, no empty image array; test images the size of
 * the training images.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BYTE_LEVELS, sharedInt32, sharedUint8, type Dataset, type Labeled } from './dataset.js';

export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

export interface IdxArray { file: string; dims: number[]; data: Uint8Array }
/** An IDX file's header, checked against the file's length; its data not read. */
export interface IdxHeader { file: string; dims: number[] }

const cannotRead = (file: string, e: unknown) => new Error(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

function gunzip(file: string, bytes: Uint8Array): Uint8Array {
  try { return gunzipSync(bytes); } catch (e) { throw new Error(`${file}: corrupt gzip data (${(e as Error).message})`); }
}

/**
 * Check an IDX header: `head` holds the file's first bytes (at least its header, when the
 * file is that long), `length` the file's whole (uncompressed) length. Returns the sizes and
 * where the data start; throws one line naming the file.
 */
function idxHeader(file: string, head: Uint8Array, length: number, expectMagic: number): { dims: number[]; headerBytes: number } {
  if (length < 4) throw new Error(`${file}: truncated IDX file (${length} bytes, no header)`);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expectMagic) {
    const hex = (m: number) => `0x${m.toString(16).padStart(8, '0')}`;
    const what = expectMagic === IDX_IMAGES_MAGIC ? 'images (idx3-ubyte)' : 'labels (idx1-ubyte)';
    throw new Error(`${file}: not an IDX ${what} file: magic number ${hex(magic)}, expected ${hex(expectMagic)}`);
  }
  const ndim = magic & 0xff, headerBytes = 4 + 4 * ndim;
  if (length < headerBytes) throw new Error(`${file}: truncated IDX header (${length} bytes, need ${headerBytes})`);
  const dims = Array.from({ length: ndim }, (_, k) => view.getUint32(4 + 4 * k, false));
  const size = dims.reduce((a, b) => a * b, 1), have = length - headerBytes;
  if (have < size) throw new Error(`${file}: truncated: header says ${dims.join('×')} = ${size} bytes of data, file has ${have}`);
  if (have > size) throw new Error(`${file}: corrupt: ${have - size} bytes after the ${dims.join('×')} data the header announces`);
  return { dims, headerBytes };
}

/** Read one IDX file (gunzipping when it starts with the gzip signature) and check its header. */
export function readIdx(file: string, expectMagic: number): IdxArray {
  let bytes: Uint8Array;
  try { bytes = readFileSync(file); } catch (e) { throw cannotRead(file, e); }
  if (isGzip(bytes)) bytes = gunzip(file, bytes);
  const { dims, headerBytes } = idxHeader(file, bytes, bytes.length, expectMagic);
  return { file, dims, data: bytes.subarray(headerBytes) };
}

/**
 * The header of one IDX file, checked against the file's size, without keeping its data: a
 * plain file is not read past its header (its size comes from stat); a gzipped one is
 * inflated once, to learn its size and check its stream, and dropped.
 */
export function readIdxHeader(file: string, expectMagic: number): IdxHeader {
  let head = Buffer.alloc(4 + 4 * 255), got: number, size: number;
  try {
    const fd = openSync(file, 'r');
    try { size = statSync(file).size; got = readSync(fd, head, 0, head.length, 0); } finally { closeSync(fd); }
  } catch (e) { throw cannotRead(file, e); }
  head = head.subarray(0, got);
  if (isGzip(head)) return { file, dims: readIdx(file, expectMagic).dims };
  return { file, dims: idxHeader(file, head, size, expectMagic).dims };
}

/** An images file's [n, rows, cols]; throws when the array is empty. */
function imageDims(images: IdxHeader): { n: number; rows: number; cols: number } {
  const [n, rows, cols] = images.dims;
  if (!n || !rows || !cols) throw new Error(`${images.file}: empty image array (${images.dims.join('×')})`);
  return { n, rows, cols };
}

/** As many labels as images, each within 0..classes-1 (the labels' data read, the images' header only). */
function checkIdxPair(images: IdxHeader, labels: IdxArray, classes: number): { n: number; rows: number; cols: number } {
  const dims = imageDims(images);
  if (labels.dims[0] !== dims.n) throw new Error(`${labels.file}: ${labels.dims[0]} labels, but ${basename(images.file)} has ${dims.n} images`);
  const y = labels.data;
  for (let i = 0; i < y.length; i++) {
    if (y[i] >= classes) throw new Error(`${labels.file}: label ${y[i]} at index ${i} is outside 0..${classes - 1}`);
  }
  return dims;
}

/** Test images of the training images' size. */
function checkSameSize(train: { rows: number; cols: number }, test: { rows: number; cols: number }, testImages: string): void {
  if (test.rows !== train.rows || test.cols !== train.cols) {
    throw new Error(`${testImages}: ${test.rows}×${test.cols} images, but the training images are ${train.rows}×${train.cols}`);
  }
}

/** One images file + its labels file → a labelled set (pixel bytes kept, in shared memory; value = byte/255). */
export function readIdxPair(imagesFile: string, labelsFile: string, classes: number): { set: Labeled; rows: number; cols: number } {
  const images = readIdx(imagesFile, IDX_IMAGES_MAGIC), labels = readIdx(labelsFile, IDX_LABELS_MAGIC);
  const { n, rows, cols } = checkIdxPair(images, labels, classes);
  const y = sharedInt32(n);
  y.set(labels.data);
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
  checkSameSize(train, test, f.testImages);
  return { name: `${name} (${dir})`, imageShape: [train.rows, train.cols, 1], classes, levels: BYTE_LEVELS, train: train.set, test: test.set };
}

/** What validateIdxDataset found: image size and samples per split. */
export interface IdxSummary { rows: number; cols: number; train: number; test: number }

/**
 * Every invariant loadIdxDataset checks, without keeping any pixels (validation before any
 * run): the four files present; each header's magic number and sizes against the file's
 * size (a gzipped file inflated once and dropped, so its stream is checked too); per split,
 * as many labels as images and every label within 0..classes-1; test images the training
 * images' size. Reads the label files whole (a byte per image) and only the headers of plain
 * image files. Throws the loader's one-line error naming the file.
 */
export function validateIdxDataset(name: string, dir: string, classes = 10): IdxSummary {
  const f = idxFiles(dir, name);
  const split = (images: string, labels: string) => checkIdxPair(readIdxHeader(images, IDX_IMAGES_MAGIC), readIdx(labels, IDX_LABELS_MAGIC), classes);
  const train = split(f.trainImages, f.trainLabels), test = split(f.testImages, f.testLabels);
  checkSameSize(train, test, f.testImages);
  return { rows: train.rows, cols: train.cols, train: train.n, test: test.n };
}
