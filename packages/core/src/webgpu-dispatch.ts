/**
 * Our own GPU programs on tfjs-webgpu, recorded into the backend's command stream. tfjs's
 * `runWebGPUProgram` gives a program one output; Adam writes θ, m and v, and a dense layer's
 * gradient writes δ and the bias gradient, so these kernels are recorded here as tfjs records its
 * own (backend_webgpu.js, `recordAndSubmit`): into the open compute pass, with the tensors used
 * kept alive until the command buffer is submitted, and a submit every
 * WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE programs. Each kernel is one program, whatever the number of
 * its outputs; it uploads no scalar (its constants travel in the program's uniform buffer, as
 * tfjs's own do).
 *
 * The switch: CLBENCH_WEBGPU_KERNELS=ops (read once) or `setWebgpuKernels(false)` makes the
 * trainer, the network and the optimiser use tfjs ops and the 3-program Adam on webgpu as before
 * (tools/gpu/dispatches.mjs times both, interleaved). Other backends never take these paths.
 */
import * as tf from '@tensorflow/tfjs';

/** The parts of tfjs-webgpu's backend (4.22) these kernels use; the package is optional, so no types at build time. */
interface GpuBuffer { readonly size: number }
interface PassEncoder { setPipeline(p: object): void; setBindGroup(i: number, g: object): void; dispatchWorkgroups(x: number, y?: number, z?: number): void }
interface Device {
  createShaderModule(d: { code: string }): object;
  createComputePipeline(d: { layout: 'auto'; compute: { module: object; entryPoint: string } }): { getBindGroupLayout(i: number): object };
  createBindGroup(d: { layout: object; entries: { binding: number; resource: object }[] }): object;
  limits: { maxStorageBufferBindingSize: number; maxBufferSize: number };
}
interface TensorData { resource: GpuBuffer | null; values: unknown; refCount: number }
export interface WebgpuBackend {
  device: Device;
  queue: { writeBuffer(buffer: GpuBuffer, offset: number, data: ArrayBufferView): void };
  tensorMap: { get(id: tf.DataId): TensorData };
  commandEncoder: { beginComputePass(d: object): PassEncoder } | null;
  computePassEncoder: PassEncoder | null;
  commandQueueOwnedIds: WeakSet<tf.DataId>;
  dispatchCountInPass: number;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  uploadToGPU(id: tf.DataId): void;
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  makeUniforms(u: Uniform[]): { buffer: GpuBuffer; offset: number; size: number };
  refCount(id: tf.DataId): number;
}
export interface Uniform { type: 'float32' | 'int32'; data: number[] }

let enabled = process.env.CLBENCH_WEBGPU_KERNELS !== 'ops';

/** Use (true) or bypass (false) the kernels of webgpu-*.ts on webgpu; returns the previous setting. */
export function setWebgpuKernels(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/** True when the active backend is webgpu and its kernels (webgpu-dispatch/-adam/-dense/-cross-entropy) are in use. */
export function webgpuKernels(): boolean {
  return enabled && tf.getBackend() === 'webgpu';
}

/** The setting alone (inside a webgpu kernel, where the backend is known). */
export const kernelsEnabled = (): boolean => enabled;

/** Threads per workgroup of every kernel here (WebGPU's compatibility mode, llvmpipe's, guarantees 128). */
export const WORKGROUP = 128;
/** WebGPU's guaranteed maximum of workgroups per dispatch dimension. */
const MAX_GROUPS = 65535;

/** Workgroups for `threads` threads: [x, y] so that x ≤ 65535; a kernel's thread index is `flatIndex`. */
export function groupsFor(threads: number): [number, number] {
  const groups = Math.max(1, Math.ceil(threads / WORKGROUP));
  if (groups <= MAX_GROUPS) return [groups, 1];
  const y = Math.ceil(groups / MAX_GROUPS);
  return [Math.ceil(groups / y), y];
}

/** WGSL: the flat thread index of a `groupsFor` dispatch (use inside `main`). */
export const flatIndex = `let index = i32(gid.x + gid.y * nwg.x * ${WORKGROUP}u);`;

const pipelines = new WeakMap<object, Map<string, { getBindGroupLayout(i: number): object }>>();

/** A binding of a kernel: a tensor's buffer, read only or written. */
export interface Binding { tensor: tf.TensorInfo; write?: boolean }

/**
 * Record one program: `code()` (a whole WGSL module, entry point `main`; asked for once per key) with `bindings` at
 * @binding(0…n−1) and, when `uniforms` is given, its uniform buffer at @binding(n). `key` names
 * the shader (one pipeline per key per backend). Written tensors' cached CPU copies are dropped.
 */
export function dispatch(backend: WebgpuBackend, key: string, code: () => string, bindings: Binding[], uniforms: Uniform[] | null, groups: [number, number]): void {
  let cache = pipelines.get(backend);
  if (!cache) pipelines.set(backend, cache = new Map());
  let pipeline = cache.get(key);
  if (!pipeline) {
    pipeline = backend.device.createComputePipeline({ layout: 'auto', compute: { module: backend.device.createShaderModule({ code: code() }), entryPoint: 'main' } });
    cache.set(key, pipeline);
  }
  const entries = bindings.map(({ tensor }, binding) => {
    backend.uploadToGPU(tensor.dataId);
    return { binding, resource: { buffer: backend.tensorMap.get(tensor.dataId).resource! } };
  });
  if (uniforms) entries.push({ binding: bindings.length, resource: backend.makeUniforms(uniforms) });
  const bindGroup = backend.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
  for (const { tensor, write } of bindings) {
    backend.commandQueueOwnedIds.add(tensor.dataId);              // released only after the submit (backend_webgpu.js, disposeData)
    if (write) backend.tensorMap.get(tensor.dataId).values = null;
  }
  backend.ensureCommandEncoderReady();
  backend.computePassEncoder ??= backend.commandEncoder!.beginComputePass({});
  backend.computePassEncoder.setPipeline(pipeline);
  backend.computePassEncoder.setBindGroup(0, bindGroup);
  backend.computePassEncoder.dispatchWorkgroups(groups[0], groups[1]);
  if (++backend.dispatchCountInPass >= (tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number)) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
}

/** A new tensor of `shape` on the backend, for a kernel to write (its buffer is allocated, not uploaded). */
export function output(backend: WebgpuBackend, shape: number[], dtype: 'float32' | 'int32' = 'float32'): tf.TensorInfo {
  const info = backend.makeTensorInfo(shape, dtype);
  backend.uploadToGPU(info.dataId);
  return info;
}

const ones = new WeakMap<object, tf.Scalar>();

/** The scalar 1 on the webgpu backend, uploaded once (initBackend makes it, before any run counts
 *  tensors): the seed dy of a training step's gradients, which tf.variableGrads would upload anew every step. */
export function deviceOne(): tf.Scalar {
  const backend = tf.backend();
  let one = ones.get(backend);
  if (!one || one.isDisposed) ones.set(backend, one = tf.keep(tf.scalar(1)));
  return one;
}

/** tf.variableGrads(f, vars) with the device's 1 as the seed gradient (no upload): the same
 *  {value, grads by variable name}, non-trainable variables and those without a gradient left out. */
export function deviceGrads(f: () => tf.Scalar, vars: tf.Variable[]): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const trainable = vars.filter((v) => v.trainable);
  if (!trainable.length) throw new Error(`deviceGrads: none of the ${vars.length} variables is trainable`);
  const { value, grads } = tf.engine().gradients(f, trainable, deviceOne(), true);
  const named: tf.NamedTensorMap = {};
  trainable.forEach((v, i) => { if (grads[i] != null) named[v.name] = grads[i]; });
  return { value: value as tf.Scalar, grads: named };
}

/**
 * A tensor of `values` on the webgpu backend, written with queue.writeBuffer. tfjs uploads a
 * tensor made on the CPU through a staging buffer it creates anew every time and a copy that
 * ends the open compute pass; the queue's write does neither (it reaches the buffer before any
 * command submitted after it, and a buffer tfjs hands out again is not used by unsubmitted ones).
 */
export function upload(values: Float32Array | Int32Array, shape: number[], dtype: 'float32' | 'int32'): tf.Tensor {
  const backend = tf.backend() as unknown as WebgpuBackend;
  const info = backend.makeTensorInfo(shape, dtype);
  backend.uploadToGPU(info.dataId);
  backend.queue.writeBuffer(backend.tensorMap.get(info.dataId).resource!, 0, values);
  return tf.engine().makeTensorFromTensorInfo(info);
}
