/**
 * Bad input, as a table: each case is a suite (edited from a valid tiny one), data files or
 * CLI arguments, and the one line `clbench` must print. Every case must exit with code 2,
 * print exactly that line on stderr (no stack trace) and leave the results directory as it
 * was. The cases run in-process through cli() (loading tfjs once); the ones marked `spawn`
 * also run as a real process through the npm bin (packages/cli/bin/clbench.js), which must
 * not die by a signal (e.g. the V8 heap OOM a billion-task suite caused).
 */
import { checkDataset } from '@clbench/data';
import { methodNames } from '@clbench/methods';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { cli } from './cli.js';

const BIN = fileURLToPath(new URL('../bin/clbench.js', import.meta.url));

/** A valid tiny suite (the control test below runs it through the same checks). */
const BASE = {
  name: 'bad-input', dataset: { name: 'mnist', limit: 50 },
  scenario: { type: 'split', incremental: 'task', tasks: 2, classesPerTask: 2 },
  network: { layers: [{ type: 'dense', units: 16 }] }, training: { epochs: 1, batchSize: 32, validationFraction: 0.1 },
  methods: [{ name: 'naive' }], seeds: [0],
};
type SuiteJson = typeof BASE & Record<string, any>;

/** Paths of one case: its suite file, a results directory holding earlier results, data directories. */
interface Paths { dir: string; suite: string; out: string; idx: string; cifar: string }

interface Case {
  name: string;
  /** The suite written to `suite` (a string is written as is; null writes no file). */
  suite?: (s: SuiteJson, p: Paths) => unknown;
  /** Arguments after `clbench` (default: run SUITE --out OUT). */
  args?: (p: Paths) => string[];
  /** Make the bad files (data, results directory). */
  prepare?: (p: Paths) => void;
  /** The line expected on stderr, after "clbench: " (a pattern only where Node words the message). */
  line: (p: Paths) => string | RegExp;
  /** Also run as a real process. */
  spawn?: boolean;
}

// ---------- data files ----------

/** An IDX file: big-endian magic, sizes, then the bytes. */
function idx(magic: number, dims: number[], fill: (i: number) => number): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(magic, 0);
  dims.forEach((d, k) => head.writeUInt32BE(d, 4 + 4 * k));
  return Buffer.concat([head, Buffer.from(Uint8Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => fill(i)))]);
}
const IDX_FILES = {
  'train-images-idx3-ubyte': idx(0x803, [20, 28, 28], (i) => i % 256), 'train-labels-idx1-ubyte': idx(0x801, [20], (i) => i % 10),
  't10k-images-idx3-ubyte': idx(0x803, [10, 28, 28], (i) => (3 * i) % 256), 't10k-labels-idx1-ubyte': idx(0x801, [10], (i) => i % 10),
};
/** A complete, valid MNIST-format directory (20 + 10 images). */
function writeIdx(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [f, b] of Object.entries(IDX_FILES)) writeFileSync(join(dir, f), b);
}

/** A complete, valid CIFAR-10 binary directory: 6 files of 2 records (1 label byte + 3072 pixels). */
const CIFAR_FILES = [1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`).concat('test_batch.bin');
function writeCifar(dir: string): void {
  const d = join(dir, 'cifar-10-batches-bin');
  mkdirSync(d, { recursive: true });
  for (const f of CIFAR_FILES) writeFileSync(join(d, f), Buffer.from(Uint8Array.from({ length: 2 * 3073 }, (_, i) => (i % 3073 === 0 ? (i / 3073) % 10 : i % 256))));
}
const cifarFile = (p: Paths, f: string) => join(p.cifar, 'cifar-10-batches-bin', f);

const onIdx = (s: SuiteJson, p: Paths) => ({ ...s, dataset: { name: 'mnist', source: { dir: p.idx } } });
const onCifar = (s: SuiteJson, p: Paths) => ({ ...s, dataset: { name: 'cifar10', source: { dir: p.cifar } } });
const layers = (s: SuiteJson, l: unknown[]) => ({ ...s, network: { layers: l } });

// ---------- the table ----------

const cases: Case[] = [
  // the suite file
  { name: 'missing suite file', suite: () => null, line: (p) => `${p.suite}: cannot read suite file (ENOENT)` },
  { name: 'suite path is a directory', args: (p) => ['run', p.dir, '--out', p.out], line: (p) => `${p.dir}: cannot read suite file (EISDIR)` },
  { name: 'invalid JSON', suite: () => '{ "name": ', line: (p) => `${p.suite}: invalid JSON (Unexpected end of JSON input)` },
  // the schema
  { name: 'wrong type', suite: (s) => ({ ...s, training: { ...s.training, epochs: 'two' } }), line: (p) => `${p.suite}: training.epochs: Invalid input: expected number, received string` },
  { name: 'unknown field', suite: (s) => ({ ...s, epocs: 3 }), line: (p) => `${p.suite}: unknown field "epocs"` },
  // methods and grids
  { name: 'unknown method', suite: (s) => ({ ...s, methods: [{ name: 'nope' }] }), line: (p) => `${p.suite}: methods[0].name: unknown method "nope" (known: ${methodNames.join(', ')})` },
  { name: 'unknown hyper-parameter', suite: (s) => ({ ...s, methods: [{ name: 'naive', hyperparameters: { lambda: 1 } }] }), line: (p) => `${p.suite}: methods[0].hyperparameters: unknown hyper-parameter "lambda" for method "naive"` },
  { name: 'grid with a value of the wrong type', suite: (s) => ({ ...s, methods: [{ name: 'ewc', hyperparameters: { lambda: [1, 'x'] } }] }), line: (p) => `${p.suite}: methods[0].hyperparameters.lambda: Invalid input: expected number, received string` },
  { name: 'grid with an empty list', suite: (s) => ({ ...s, methods: [{ name: 'ewc', hyperparameters: { lambda: [] } }] }), line: (p) => `${p.suite}: hyperparameters.lambda: an empty list gives no runs` },
  { name: 'grid too large for the coordinator', suite: (s) => ({ ...s, methods: [{ name: 'online-ewc', hyperparameters: { lambda: Array.from({ length: 400 }, (_, i) => i + 1), gamma: Array.from({ length: 300 }, (_, i) => i / 300) } }] }), line: (p) => `${p.suite}: methods × seeds × orderings: up to 120,000 × 1 × 1 = 120,000 runs, more than the limit of 100,000` },
  { name: 'method that does not support the scenario', suite: (s) => ({ ...s, scenario: { ...s.scenario, incremental: 'domain' }, methods: [{ name: 'clnp' }] }), line: (p) => `${p.suite}: methods[0].name: method "clnp" does not support domain-incremental scenarios (supports: task)` },
  // dataset and scenario
  { name: 'more classes than the dataset has', suite: (s) => ({ ...s, scenario: { ...s.scenario, tasks: 6 } }), line: (p) => `${p.suite}: scenario.tasks: 6 tasks × 2 classes needs 12 classes, mnist has 10` },
  { name: 'one class per task in task-incremental learning', suite: (s) => ({ ...s, scenario: { ...s.scenario, classesPerTask: 1 } }), line: (p) => `${p.suite}: scenario.classesPerTask: 1 class per task makes a one-output head that is always right (task-incremental); use 2 or more, or "incremental": "class"` },
  { name: 'split-cifar on MNIST', suite: (s) => ({ ...s, scenario: { type: 'split-cifar', tasks: 2 } }), line: (p) => `${p.suite}: scenario.type: "split-cifar" needs dataset "cifar10-100" (CIFAR-10 + CIFAR-100, 110 classes), got "mnist"` },
  { name: 'dataset with no embedded copy', suite: (s) => ({ ...s, dataset: { name: 'fashion-mnist' } }), line: (p) => `${p.suite}: dataset.source: "fashion-mnist" has no embedded copy; give { "dir": "/path/to/files" }` },
  { name: 'a billion permuted tasks (was a V8 heap OOM)', spawn: true, suite: (s) => ({ ...s, scenario: { type: 'permuted', incremental: 'task', tasks: 1e9 } }), line: (p) => `${p.suite}: scenario.tasks: 1,000,000,000 tasks exceeds the limit of 1,000` },
  { name: '100 permuted tasks are views, not copies: accepted by the checks, then the missing folder is named', suite: (s) => ({ ...s, dataset: { name: 'fashion-mnist', source: { dir: '/data/fashion-mnist' } }, scenario: { type: 'permuted', incremental: 'task', tasks: 100 } }), line: (p) => `${p.suite}: dataset: dataset fashion-mnist: /data/fashion-mnist: dataset directory not found (dataset "fashion-mnist")` },
  { name: 'two rotated tasks at the same angle', suite: (s) => ({ ...s, scenario: { type: 'rotated', tasks: 2, maxDegrees: 720 } }), line: (p) => `${p.suite}: scenario.maxDegrees: tasks 0 and 1 are both rotated by 0.0° (mod 360) with 720° over 2 tasks` },
  // orderings and seeds
  { name: 'ordering that is not a permutation', suite: (s) => ({ ...s, orderings: { explicit: [[0, 0]] } }), line: (p) => `${p.suite}: orderings.explicit[0]: must be a permutation of 0..1, got [0, 0]` },
  { name: 'ordering of the wrong length', suite: (s) => ({ ...s, orderings: { explicit: [[1, 0, 2]] } }), line: (p) => `${p.suite}: orderings.explicit[0]: must be a permutation of 0..1, got [1, 0, 2]` },
  { name: 'the same ordering twice', suite: (s) => ({ ...s, orderings: { explicit: [[], [0, 1]] } }), line: (p) => `${p.suite}: orderings.explicit[1]: the same ordering as orderings.explicit[0] ([0,1])` },
  { name: 'more random orderings than exist', suite: (s) => ({ ...s, orderings: { random: 3 } }), line: (p) => `${p.suite}: orderings.random: orderings 0 and 1 drawn with seed 0 are both [0,1]; ask for fewer orderings or change orderings.seed` },
  { name: '100 million orderings (was a V8 heap OOM)', suite: (s) => ({ ...s, orderings: { random: 1e8 } }), line: (p) => `${p.suite}: methods × seeds × orderings: up to 1 × 1 × 100,000,000 = 100,000,000 runs, more than the limit of 100,000` },
  { name: 'a seed listed twice', suite: (s) => ({ ...s, seeds: [0, 1, 0] }), line: (p) => `${p.suite}: seeds[2]: seed 0 is listed twice` },
  // network
  { name: 'dropout before any layer', suite: (s) => layers(s, [{ type: 'dropout', rate: 0.5 }, { type: 'dense', units: 16 }]), line: (p) => `${p.suite}: network.layers[0]: dropout must follow a dense or conv2d layer (it sets that layer's dropout rate)` },
  { name: 'conv2d after a dense layer', suite: (s) => layers(s, [{ type: 'dense', units: 16 }, { type: 'conv2d', filters: 4 }]), line: (p) => `${p.suite}: network.layers[1]: conv2d cannot follow a dense layer` },
  { name: "'valid' kernel larger than the image", suite: (s) => layers(s, [{ type: 'conv2d', filters: 4, kernelSize: 29, padding: 'valid' }]), line: (p) => `${p.suite}: network.layers[0].kernelSize: a 29×29 'valid' convolution does not fit its 28×28 input` },
  { name: 'pooling that leaves nothing', suite: (s) => layers(s, [{ type: 'conv2d', filters: 4, pool: 2 }, { type: 'conv2d', filters: 4, pool: 16 }]), line: (p) => `${p.suite}: network.layers[1].pool: 16×16 pooling of a 14×14 feature map leaves nothing` },
  { name: 'two billion units', suite: (s) => layers(s, [{ type: 'dense', units: 2e9 }]), line: (p) => `${p.suite}: network.layers[0].units: its output over a batch of 1000 takes 7450.6 GiB, more than the limit of 1.0 GiB` },
  { name: 'too many parameters', suite: (s) => layers(s, [{ type: 'dense', units: 200_000 }]), line: (p) => `${p.suite}: network.layers[0].units: the network has 157,800,004 parameters (157,000,000 here), more than the limit of 100,000,000` },
  // training vs samples per task
  { name: 'batch larger than a task', suite: (s) => ({ ...s, training: { ...s.training, batchSize: 128 } }), line: (p) => `${p.suite}: training.batchSize: 128 is more than the 90 training samples of task 0 (100 samples, dataset.limit 50 per class)` },
  { name: 'validation rounds to nothing', suite: (s) => ({ ...s, dataset: { name: 'mnist', limit: 2 }, training: { ...s.training, batchSize: 4 } }), line: (p) => `${p.suite}: training.validationFraction: 0.1 of task 0 (4 samples, dataset.limit 2 per class) rounds to no validation sample` },
  { name: 'validation leaves no training sample', suite: (s) => ({ ...s, dataset: { name: 'mnist', limit: 1 }, scenario: { type: 'split', incremental: 'class', tasks: 2, classesPerTask: 1 }, training: { ...s.training, validationFraction: 0.5, batchSize: 1 } }), line: (p) => `${p.suite}: training.validationFraction: 0.5 of task 0 (1 samples, dataset.limit 1 per class) leaves no training sample` },
  // data files
  { name: 'dataset directory missing', suite: (s, p) => onIdx(s, p), line: (p) => `${p.suite}: dataset: dataset mnist: ${p.idx}: dataset directory not found (dataset "mnist")` },
  {
    name: 'truncated IDX images', spawn: true, suite: onIdx,
    prepare: (p) => { writeIdx(p.idx); truncateSync(join(p.idx, 'train-images-idx3-ubyte'), 16 + 20 * 784 - 100); },
    line: (p) => `${p.suite}: dataset: dataset mnist: ${join(p.idx, 'train-images-idx3-ubyte')}: truncated: header says 20×28×28 = 15680 bytes of data, file has 15580`,
  },
  {
    name: 'truncated IDX header', suite: onIdx, prepare: (p) => { writeIdx(p.idx); truncateSync(join(p.idx, 't10k-labels-idx1-ubyte'), 6); },
    line: (p) => `${p.suite}: dataset: dataset mnist: ${join(p.idx, 't10k-labels-idx1-ubyte')}: truncated IDX header (6 bytes, need 8)`,
  },
  {
    name: 'IDX labels where images belong', suite: onIdx, prepare: (p) => { writeIdx(p.idx); writeFileSync(join(p.idx, 't10k-images-idx3-ubyte'), IDX_FILES['t10k-labels-idx1-ubyte']); },
    line: (p) => `${p.suite}: dataset: dataset mnist: ${join(p.idx, 't10k-images-idx3-ubyte')}: not an IDX images (idx3-ubyte) file: magic number 0x00000801, expected 0x00000803`,
  },
  {
    name: 'IDX file with trailing bytes', suite: onIdx, prepare: (p) => { writeIdx(p.idx); writeFileSync(join(p.idx, 'train-labels-idx1-ubyte'), Buffer.concat([IDX_FILES['train-labels-idx1-ubyte'], Buffer.alloc(3)])); },
    line: (p) => `${p.suite}: dataset: dataset mnist: ${join(p.idx, 'train-labels-idx1-ubyte')}: corrupt: 3 bytes after the 20 data the header announces`,
  },
  {
    name: 'corrupt gzipped IDX', suite: onIdx,
    prepare: (p) => { writeIdx(p.idx); const gz = gzipSync(IDX_FILES['train-labels-idx1-ubyte']); writeFileSync(join(p.idx, 'train-labels-idx1-ubyte'), gz.subarray(0, gz.length - 10)); },
    line: (p) => `${p.suite}: dataset: dataset mnist: ${join(p.idx, 'train-labels-idx1-ubyte')}: corrupt gzip data (unexpected end of file)`,
  },
  {
    name: 'empty IDX file', suite: onIdx, prepare: (p) => { writeIdx(p.idx); truncateSync(join(p.idx, 't10k-labels-idx1-ubyte')); },
    line: (p) => `${p.suite}: dataset: dataset mnist: ${join(p.idx, 't10k-labels-idx1-ubyte')}: truncated IDX file (0 bytes, no header)`,
  },
  {
    name: 'IDX file missing', suite: onIdx, prepare: (p) => { writeIdx(p.idx); rmSync(join(p.idx, 'train-labels-idx1-ubyte')); },
    line: (p) => `${p.suite}: dataset: dataset mnist: ${p.idx}: no train-labels-idx1-ubyte[.gz] (an IDX dataset directory holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each optionally .gz)`,
  },
  // data files that disagree with each other, or labels outside the classes: the whole dataset checked before any run
  {
    name: 'IDX label file with fewer labels than images', suite: onIdx,
    prepare: (p) => { writeIdx(p.idx); writeFileSync(join(p.idx, 'train-labels-idx1-ubyte'), idx(0x801, [19], (i) => i % 10)); },
    line: (p) => `${p.suite}: dataset: dataset mnist: ${join(p.idx, 'train-labels-idx1-ubyte')}: 19 labels, but train-images-idx3-ubyte has 20 images`,
  },
  {
    name: 'IDX label value out of range', spawn: true, suite: onIdx,
    prepare: (p) => { writeIdx(p.idx); writeFileSync(join(p.idx, 't10k-labels-idx1-ubyte'), idx(0x801, [10], (i) => (i === 3 ? 12 : i % 10))); },
    line: (p) => `${p.suite}: dataset: dataset mnist: ${join(p.idx, 't10k-labels-idx1-ubyte')}: label 12 at index 3 is outside 0..9`,
  },
  {
    name: 'IDX train and test images of different sizes', suite: onIdx,
    prepare: (p) => { writeIdx(p.idx); writeFileSync(join(p.idx, 't10k-images-idx3-ubyte'), idx(0x803, [10, 32, 32], (i) => i % 256)); },
    line: (p) => `${p.suite}: dataset: dataset mnist: ${join(p.idx, 't10k-images-idx3-ubyte')}: 32×32 images, but the training images are 28×28`,
  },
  {
    name: 'IDX test image file truncated by a whole image', suite: onIdx,
    prepare: (p) => { writeIdx(p.idx); truncateSync(join(p.idx, 't10k-images-idx3-ubyte'), 16 + 9 * 784); },
    line: (p) => `${p.suite}: dataset: dataset mnist: ${join(p.idx, 't10k-images-idx3-ubyte')}: truncated: header says 10×28×28 = 7840 bytes of data, file has 7056`,
  },
  {
    name: 'gzipped IDX label file with fewer labels than images', suite: onIdx,
    prepare: (p) => { writeIdx(p.idx); rmSync(join(p.idx, 't10k-labels-idx1-ubyte')); writeFileSync(join(p.idx, 't10k-labels-idx1-ubyte.gz'), gzipSync(idx(0x801, [9], (i) => i % 10))); },
    line: (p) => `${p.suite}: dataset: dataset mnist: ${join(p.idx, 't10k-labels-idx1-ubyte.gz')}: 9 labels, but t10k-images-idx3-ubyte has 10 images`,
  },
  {
    name: 'CIFAR label value out of range', suite: onCifar,
    prepare: (p) => { writeCifar(p.cifar); const f = cifarFile(p, 'data_batch_2.bin'), b = readFileSync(f); b[3073] = 10; writeFileSync(f, b); },
    line: (p) => `${p.suite}: dataset: dataset cifar10: ${cifarFile(p, 'data_batch_2.bin')}: record 1: label 10 is outside 0..9 (corrupt file, or not CIFAR-10)`,
  },
  {
    name: 'truncated CIFAR batch', suite: onCifar, prepare: (p) => { writeCifar(p.cifar); truncateSync(cifarFile(p, 'data_batch_3.bin'), 2 * 3073 - 1); },
    line: (p) => `${p.suite}: dataset: dataset cifar10: ${cifarFile(p, 'data_batch_3.bin')}: truncated or corrupt: 6145 bytes is not a whole number of 3073-byte records (1 label byte + 3072 pixels)`,
  },
  {
    name: 'empty CIFAR batch', suite: onCifar, prepare: (p) => { writeCifar(p.cifar); truncateSync(cifarFile(p, 'test_batch.bin')); },
    line: (p) => `${p.suite}: dataset: dataset cifar10: ${cifarFile(p, 'test_batch.bin')}: empty file`,
  },
  // the results directory
  { name: 'results directory is a file', spawn: true, prepare: (p) => writeFileSync(`${p.out}.txt`, 'earlier notes\n'), args: (p) => ['run', p.suite, '--out', `${p.out}.txt`], line: (p) => `--out ${p.out}.txt: ${p.out}.txt is a file, not a results directory` },
  { name: 'results runs/ is a file', prepare: (p) => writeFileSync(join(p.out, 'other', 'runs'), 'x'), args: (p) => ['run', p.suite, '--out', join(p.out, 'other')], line: (p) => `--out ${join(p.out, 'other')}: ${join(p.out, 'other', 'runs')} is a file, not a results directory` },
  { name: 'results directory under a file', args: (p) => ['run', p.suite, '--out', join(p.out, 'notes.txt', 'x')], line: (p) => `--out ${join(p.out, 'notes.txt', 'x')}: cannot use ${join(p.out, 'notes.txt', 'x')} as a results directory (a parent of it is a file)` },
  { name: 'slurm: results directory is a file', prepare: (p) => writeFileSync(`${p.out}.txt`, 'earlier notes\n'), args: (p) => ['slurm', p.suite, '--array', '2', '--out', `${p.out}.txt`], line: (p) => `--out ${p.out}.txt: ${p.out}.txt is a file, not a results directory` },
  // arguments
  { name: 'unknown command', args: () => ['rn'], line: () => 'unknown command "rn" (commands: run, report, methods, slurm, bench)' },
  { name: 'unknown option', spawn: true, args: (p) => ['run', p.suite, '--out', p.out, '--wrokers', '2'], line: () => /^Unknown option '--wrokers'\. .* \(see `clbench run --help`\)$/ },
  { name: 'no --out', args: (p) => ['run', p.suite], line: () => '--out DIR is required (see `clbench run --help`)' },
  { name: 'no suite file', args: (p) => ['run', '--out', p.out], line: () => 'expected one suite file (see `clbench run --help`)' },
  { name: 'zero workers', args: (p) => ['run', p.suite, '--out', p.out, '--workers', '0'], line: () => '--workers: expected an integer ≥ 1, got "0"' },
  { name: 'unknown backend', args: (p) => ['run', p.suite, '--out', p.out, '--backend', 'gpu'], line: () => '--backend: "gpu" is not one of auto, webgpu, tensorflow, wasm, cpu' },
];

// ---------- running a case ----------

/** The run record a results directory holds before each case (a rejected run adds none). */
const EARLIER_RUN = '0123456789abcdef.json';

function setUp(c: Case): Paths {
  const dir = mkdtempSync(join(tmpdir(), 'clbench-bad-'));
  const p: Paths = { dir, suite: join(dir, 'suite.json'), out: join(dir, 'results'), idx: join(dir, 'idx'), cifar: join(dir, 'cifar') };
  // earlier results that a rejected run must leave alone
  mkdirSync(join(p.out, 'runs'), { recursive: true });
  mkdirSync(join(p.out, 'other'), { recursive: true });
  writeFileSync(join(p.out, 'runs', EARLIER_RUN), '{"earlier": "result"}\n');
  writeFileSync(join(p.out, 'notes.txt'), 'earlier notes\n');
  const suite = c.suite ? c.suite(structuredClone(BASE), p) : BASE;
  if (suite !== null) writeFileSync(p.suite, typeof suite === 'string' ? suite : JSON.stringify(suite));
  c.prepare?.(p);
  return p;
}

/** Every file under the case directory except the suite and data: path → contents and mtime. */
function snapshot(p: Paths): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string) => {
    const st = statSync(path);
    if (st.isDirectory()) for (const f of readdirSync(path)) walk(join(path, f));
    else out[path] = `${st.mtimeMs} ${readFileSync(path, 'utf8')}`;
  };
  for (const f of readdirSync(p.dir)) if (![p.suite, p.idx, p.cifar].includes(join(p.dir, f))) walk(join(p.dir, f));
  return out;
}

async function inProcess(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const err: string[] = [], out: string[] = [];
  const spies = [
    vi.spyOn(console, 'error').mockImplementation((...a) => { err.push(a.join(' ')); }),
    vi.spyOn(console, 'log').mockImplementation((...a) => { out.push(a.join(' ')); }),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => { err.push(String(chunk)); return true; }),
  ];
  try {
    const code = await cli(args);
    return { code, stderr: err.join('\n'), stdout: out.join('\n') };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

function expectedLine(c: Case, p: Paths): unknown {
  const line = c.line(p);
  return typeof line === 'string' ? `clbench: ${line}` : expect.stringMatching(new RegExp(`^clbench: ${line.source.slice(1)}`));
}

const argsOf = (c: Case, p: Paths) => c.args?.(p) ?? ['run', p.suite, '--out', p.out];

describe(`clbench on bad input (${cases.length} cases): exit 2, one line naming the file and field, nothing written`, () => {
  it('the table has at least 25 cases, with distinct names', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it('control: the unedited suite and data directories pass the same checks', async () => {
    const p = setUp({ name: 'control', line: () => '' });
    writeIdx(p.idx);
    writeCifar(p.cifar);
    expect(() => checkDataset({ name: 'mnist', source: { dir: p.idx } })).not.toThrow();
    expect(() => checkDataset({ name: 'cifar10', source: { dir: p.cifar } })).not.toThrow();
    for (const edit of [(s: SuiteJson) => s, onIdx, onCifar]) {
      writeFileSync(p.suite, JSON.stringify(edit(structuredClone(BASE), p)));
      const r = await inProcess(['run', p.suite, '--out', p.out, '--dry-run']);
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(r.stdout).toMatch(/ {2}naive {2}seed=0 {2}ordering=\[0,1\]$/);
    }
  });

  for (const c of cases) {
    it(c.name, async () => {
      const p = setUp(c), before = snapshot(p);
      const r = await inProcess(argsOf(c, p));
      expect({ code: r.code, stderr: r.stderr.trimEnd().split('\n') }).toEqual({ code: 2, stderr: [expectedLine(c, p)] });
      expect(r.stdout).toBe('');
      expect(snapshot(p)).toEqual(before);
      expect(readdirSync(join(p.out, 'runs'))).toEqual([EARLIER_RUN]); // no run record
    });
  }

  for (const c of cases.filter((k) => k.spawn)) {
    it(`${c.name}: as a real process, through the npm bin`, () => {
      const p = setUp(c), before = snapshot(p);
      const r = spawnSync(process.execPath, [BIN, ...argsOf(c, p)], { encoding: 'utf8' });
      expect({ status: r.status, signal: r.signal, stderr: r.stderr.trimEnd().split('\n'), stdout: r.stdout }).toEqual({ status: 2, signal: null, stderr: [expectedLine(c, p)], stdout: '' });
      expect(snapshot(p)).toEqual(before);
      expect(readdirSync(join(p.out, 'runs'))).toEqual([EARLIER_RUN]); // no run record
    });
  }

  it('a bad dataset with a new --out: the results directory is not even created', async () => {
    const c = cases.find((k) => k.name === 'IDX label value out of range')!, p = setUp(c), out = join(p.dir, 'new-results');
    const r = await inProcess(['run', p.suite, '--out', out]);
    expect({ code: r.code, stderr: r.stderr.trimEnd().split('\n') }).toEqual({ code: 2, stderr: [expectedLine(c, p)] });
    expect(existsSync(out)).toBe(false);
  });

  it('--verbose shows the stack', () => {
    const p = setUp({ name: 'verbose', suite: () => null, line: () => '' });
    const r = spawnSync(process.execPath, [BIN, 'run', p.suite, '--out', p.out, '--verbose'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot read suite file \(ENOENT\)\n\s+at /);
  });
});
