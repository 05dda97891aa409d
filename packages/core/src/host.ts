/**
 * Synchronous reads on a backend that has none. tfjs-webgpu reads a tensor synchronously
 * through an OffscreenCanvas, which Node lacks, so `dataSync()` fails there unless the values
 * were already downloaded (`await t.data()` caches them on the CPU). The trainer reads its
 * own numbers asynchronously; method hooks (CLNP's pruning, PackNet's masks, EWC's Fisher …)
 * read synchronously, so the trainer runs them inside `onHost`: every tensor on the device
 * is downloaded, tfjs switches to a host backend (wasm, else cpu), and tensors then move
 * between the two backends when an op on the other one first uses them (tfjs's moveData:
 * exact float32 copies, so masks and severed weights stay exact zeros).
 */
import * as tf from '@tensorflow/tfjs';

/** Backends whose readSync does not work in Node. */
const ASYNC_ONLY = new Set(['webgpu']);

type DataId = object;
interface TrackedBackend { tensorMap: { set(id: DataId, v: unknown): void; delete(id: DataId): boolean }; read(id: DataId): Promise<unknown> }
const live = new WeakMap<object, Set<DataId>>();

/** Remember the data ids a backend holds (its tensorMap is a WeakMap, so it cannot list them). */
export function trackDataIds(backend: object): void {
  if (live.has(backend)) return;
  const ids = new Set<DataId>();
  live.set(backend, ids);
  const map = (backend as TrackedBackend).tensorMap;
  const set = map.set.bind(map), del = map.delete.bind(map);
  map.set = (id, v) => { ids.add(id); set(id, v); };
  map.delete = (id) => { ids.delete(id); return del(id); };
}

/** Does the active backend need `onHost` for synchronous reads? */
export function needsHost(): boolean {
  return ASYNC_ONLY.has(tf.getBackend());
}

/** Download every tensor of the active backend, so that its readSync (and moving it) works. */
async function downloadAll(): Promise<void> {
  const backend = tf.backend() as unknown as TrackedBackend;
  const ids = live.get(backend);
  if (!ids) throw new Error(`backend ${tf.getBackend()}: its tensors were not tracked (initBackend tracks them)`);
  await Promise.all([...ids].map((id) => backend.read(id)));
}

/** Switch to the host backend: wasm (initialised on first use), else cpu. */
async function toHost(): Promise<void> {
  if (!(await tf.setBackend('wasm').catch(() => false))) await tf.setBackend('cpu');
}

/** Run `fn` where synchronous reads work: on the active backend if it has them, else on the host backend. */
export async function onHost<T>(fn: () => T | Promise<T>): Promise<T> {
  if (!needsHost()) return fn();
  const device = tf.getBackend();
  await downloadAll();
  await toHost();
  try {
    return await fn();
  } finally {
    await tf.setBackend(device);
  }
}

/** Inside `onHost`: run `fn` back on `device` (training epochs), then return to the host. */
export async function onDevice<T>(device: string, fn: () => Promise<T>): Promise<T> {
  if (tf.getBackend() === device) return fn();
  const host = tf.getBackend();
  await tf.setBackend(device);
  try {
    return await fn();
  } finally {
    await downloadAll();
    await tf.setBackend(host);
  }
}
