/**
 * Training data resident on the device (issue 26, part 2). Without it every webgpu step copies its
 * batch's rows from the CPU (784 floats a row: ~800 KB a step at batch 256, ~20 % of a step's CPU).
 * Here a training phase (one call of the trainer's trainEpochs) writes each of its sources' rows
 * to device buffers once (`residentSplit`), and every step gathers its batch there with one program
 * (`ClbenchGatherRows`): only the batch's row indices (4 bytes a row) cross the bus. A view's rows
 * (a permuted task's pixels) are computed on the CPU as they are written, block by block, so no
 * full copy is kept on the CPU.
 *
 * WebGPU caps one binding at maxStorageBufferBindingSize (128 MiB on Dawn's null and llvmpipe
 * adapters: 42 800 MNIST rows), so the rows live in chunks of at most that size; one program binds
 * up to CHUNKS_PER_PROGRAM of them (WebGPU's default limit is 8 storage buffers per shader stage:
 * 4 chunks, the labels, the indices and the two outputs). A step takes ceil(chunks / 4) programs:
 * one on a GPU for any single task (their limits are ≥ 2 GiB), one for full MNIST on the CPU
 * adapters.
 */
import * as tf from '@tensorflow/tfjs';
import { featureCount, rowsOf } from './batches.js';
import type { Split } from './task.js';
import { dispatch, flatIndex, groupsFor, output, upload, WORKGROUP, type WebgpuBackend } from './webgpu-dispatch.js';

export const GATHER_KERNEL = 'ClbenchGatherRows';
/** Chunks one gather program reads (8 storage buffers per stage by default, 4 taken by labels, indices and the two outputs). */
const CHUNKS_PER_PROGRAM = 4;
/** Rows computed on the CPU and written to the device at a time while a split is made resident. */
const WRITE_ROWS = 2048;

/** A split's rows and labels in device buffers: rows i ∈ [k·perChunk, (k+1)·perChunk) in chunk k. */
export interface ResidentSplit {
  readonly n: number;
  readonly dim: number;
  readonly perChunk: number;
  readonly chunks: readonly tf.Tensor2D[];
  readonly labels: tf.Tensor1D;
  dispose(): void;
}

/** Rows per chunk for rows of `dim` floats under the device's binding and buffer limits (overridable for tests). */
export function rowsPerChunk(backend: WebgpuBackend, dim: number, maxBytes?: number): number {
  const limit = maxBytes ?? Math.min(backend.device.limits.maxStorageBufferBindingSize, backend.device.limits.maxBufferSize);
  return Math.max(1, Math.floor(limit / (4 * Math.max(1, dim))));
}

/** Write `split`'s rows and labels to device buffers (webgpu backend); the caller disposes the result. */
export function residentSplit(split: Split, opts: { maxChunkBytes?: number } = {}): ResidentSplit {
  const backend = tf.backend() as unknown as WebgpuBackend;
  const n = split.n, dim = featureCount(split), perChunk = rowsPerChunk(backend, dim, opts.maxChunkBytes);
  const chunks: tf.Tensor2D[] = [];
  for (let start = 0; start < n; start += perChunk) {
    const rows = Math.min(perChunk, n - start);
    const info = output(backend, [rows, dim]);
    const buffer = backend.tensorMap.get(info.dataId).resource!;
    for (let r = 0; r < rows; r += WRITE_ROWS) {
      const block = Array.from({ length: Math.min(WRITE_ROWS, rows - r) }, (_, k) => start + r + k);
      backend.queue.writeBuffer(buffer, r * dim * 4, rowsOf(split, block));
    }
    chunks.push(tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor2D);
  }
  const labels = upload(split.y.length ? split.y : new Int32Array(1), [Math.max(1, split.y.length)], 'int32') as tf.Tensor1D;
  return { n, dim, perChunk, chunks, labels, dispose: () => tf.dispose([...chunks, labels]) };
}

/** WGSL of a gather program over `count` chunks: one thread per output value; the thread of a row's
 *  first column also writes its label. A row whose chunk is not among this program's is left alone. */
function shader(count: number): string {
  const chunkDecls = Array.from({ length: count }, (_, k) => `@group(0) @binding(${k}) var<storage, read> x${k} : array<f32>;`).join('\n');
  const pick = Array.from({ length: count }, (_, k) => `${k ? 'else ' : ''}if (k == ${k}) { v = x${k}[at]; }`).join(' ');
  return `
    struct Uniforms { rows : i32, dim : i32, perChunk : i32, first : i32 };
    ${chunkDecls}
    @group(0) @binding(${count}) var<storage, read> labels : array<i32>;
    @group(0) @binding(${count + 1}) var<storage, read> idx : array<i32>;
    @group(0) @binding(${count + 2}) var<storage, read_write> outX : array<f32>;
    @group(0) @binding(${count + 3}) var<storage, read_write> outY : array<i32>;
    @group(0) @binding(${count + 4}) var<uniform> uniforms : Uniforms;
    @compute @workgroup_size(${WORKGROUP})
    fn main(@builtin(global_invocation_id) gid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>) {
      ${flatIndex}
      if (index >= uniforms.rows * uniforms.dim) { return; }
      let r = index / uniforms.dim;
      let col = index - r * uniforms.dim;
      let i = idx[r];
      let k = i / uniforms.perChunk - uniforms.first;
      if (k < 0 || k >= ${count}) { return; }
      let at = (i - (k + uniforms.first) * uniforms.perChunk) * uniforms.dim + col;
      var v = 0.0;
      ${pick}
      outX[index] = v;
      if (col == 0) { outY[r] = labels[i]; }
    }`;
}

/**
 * Rows `idx` of a resident split as x [B, dim] (float32) and y [B] (int32), gathered on the device:
 * the indices are the only data written to it. Tensors are tracked as any op's (a tf.tidy frees them).
 */
export function gatherResident(data: ResidentSplit, idx: ArrayLike<number>): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const backend = tf.backend() as unknown as WebgpuBackend;
  const B = idx.length;
  const indices = upload(Int32Array.from(idx), [B], 'int32');
  const x = output(backend, [B, data.dim]), y = output(backend, [B], 'int32');
  for (let first = 0; first < data.chunks.length; first += CHUNKS_PER_PROGRAM) {
    const chunks = data.chunks.slice(first, first + CHUNKS_PER_PROGRAM);
    const bindings = [...chunks.map((tensor) => ({ tensor })), { tensor: data.labels }, { tensor: indices }, { tensor: x, write: true }, { tensor: y, write: true }];
    const uniforms = [B, data.dim, data.perChunk, first].map((v) => ({ type: 'int32' as const, data: [v] }));
    dispatch(backend, `${GATHER_KERNEL}/${chunks.length}`, () => shader(chunks.length), bindings, uniforms, groupsFor(B * data.dim));
  }
  indices.dispose();
  return { x: tf.engine().makeTensorFromTensorInfo(x) as tf.Tensor2D, y: tf.engine().makeTensorFromTensorInfo(y) as tf.Tensor1D };
}
