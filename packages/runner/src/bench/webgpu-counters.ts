/**
 * Counters of what the webgpu backend records (issue 26): GPU programs (compute dispatches, tfjs's
 * and core/webgpu-*.ts's), tensors uploaded through tfjs, bytes of data written to the device (tfjs
 * uploads and queue writes, a program's uniforms left out), compute-pass breaks (a copy or a submit
 * ends the open pass) and submits. Exact on any adapter: Dawn's null backend records what a GPU gets.
 * Used by `clbench bench --backend webgpu` (webgpu.ts) and tools/gpu/dispatches.mjs.
 */
import { tf } from '@clbench/core';

export interface WebgpuCounts { programs: number; uploads: number; bytes: number; breaks: number; submits: number }

type Fn = (...a: unknown[]) => unknown;
interface Backend {
  computePassEncoder: unknown;
  queue: Record<string, Fn>;
  tensorMap: { get(id: unknown): { values: ArrayBufferView | null; resource: unknown; shape: number[] } };
  [k: string]: unknown;
}

/**
 * Start counting on the current (webgpu) backend; `onEvent` (optional) hears each event by name (a
 * trace). `restore()` removes the counters.
 */
export function countWebgpu(onEvent?: (event: string) => void): { counts: WebgpuCounts; restore(): void } {
  const backend = tf.backend() as unknown as Backend;
  const g = globalThis as unknown as { GPUComputePassEncoder: { prototype: Record<string, Fn> }; GPUBufferUsage: { UNIFORM: number } };
  const counts: WebgpuCounts = { programs: 0, uploads: 0, bytes: 0, breaks: 0, submits: 0 };
  const UNIFORM = g.GPUBufferUsage.UNIFORM;
  const spies: [Record<string, unknown>, string, (this: Backend, ...a: unknown[]) => void][] = [
    [g.GPUComputePassEncoder.prototype, 'dispatchWorkgroups', () => { counts.programs++; onEvent?.('program'); }],
    [backend, 'runWebGPUProgram', (p) => { onEvent?.(`  (tfjs ${(p as object).constructor.name})`); }],
    [tf.engine() as unknown as Record<string, unknown>, 'runKernel', (name) => { if ((name as string).startsWith('Clbench')) onEvent?.(`  (${name as string})`); }],
    [backend, 'uploadToGPU', function (id) {
      const d = this.tensorMap.get(id);
      if (d.values && !d.resource) { counts.uploads++; counts.bytes += d.values.byteLength; onEvent?.(`upload [${d.shape}]`); }
    }],
    [backend.queue, 'writeBuffer', (buffer, _offset, data, _dataOffset, size) => {
      if ((buffer as { usage: number }).usage & UNIFORM) return;
      const bytes = (size as number | undefined) ?? (data as ArrayBufferView).byteLength;
      counts.bytes += bytes;
      onEvent?.(`write ${bytes} bytes`);
    }],
    [backend, 'endComputePassEncoder', function () { if (this.computePassEncoder) { counts.breaks++; onEvent?.('pass break'); } }],
    [backend, 'submitQueue', () => { counts.submits++; onEvent?.('submit'); }],
  ];
  const originals = spies.map(([obj, name, f]) => {
    const original = obj[name] as Fn;
    obj[name] = function (this: Backend, ...a: unknown[]) { f.apply(this, a); return original.apply(this, a); };
    return original;
  });
  return { counts, restore: () => spies.forEach(([obj, name], i) => { obj[name] = originals[i]; }) };
}
