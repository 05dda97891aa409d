/**
 * The WebGPU backend in Node: `@tensorflow/tfjs-backend-webgpu` over Dawn's native addon
 * (npm `webgpu`, `dist/linux-x64/dawn.node`; glibc ≥ 2.34, Vulkan loader `libvulkan.so.1`).
 * Both are optional dependencies. The glue: put Dawn's GPU* globals on `globalThis`, set
 * `navigator.gpu = create(flags)`, then import the backend (it registers itself only when
 * `navigator.gpu` exists). Every `requestAdapter` of that `navigator.gpu` (tfjs makes its
 * own) honours the Dawn flags, which is how a process picks its GPU.
 *
 * Environment (read once, by the process or worker thread that initialises the backend):
 *   CLBENCH_DAWN_BACKEND  Dawn backend: vulkan (Linux default), null (computes nothing),
 *                         opengles (with EGL_PLATFORM=surfaceless: Mesa's llvmpipe, a CPU
 *                         that computes real numbers, slowly: CI's numeric WebGPU tests), …
 *   CLBENCH_GPU           which adapter: an index into Dawn's adapter list (what `--devices`
 *                         sets) or a substring of the adapter's name.
 *   CLBENCH_DAWN_TOGGLES  Dawn toggles to enable, comma-separated (e.g. skip_validation).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { registerWebgpuAdam } from './webgpu-adam.js';
import { registerWebgpuCrossEntropy } from './webgpu-cross-entropy.js';
import { registerWebgpuDense } from './webgpu-dense.js';

/** What a run record says about the GPU it ran on. */
export interface GpuAdapter {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Dawn backend that produced the adapter (vulkan, null, …). */
  dawnBackend: string;
  /** The CLBENCH_GPU selector this process was given (from `--devices`), if any. */
  selector?: string;
  /** Every adapter Dawn listed for that backend, in its order (names only). */
  available?: string[];
}

interface DawnModule { create(flags: string[]): GPU; globals: Record<string, unknown> }
type GPU = { requestAdapter(o?: { powerPreference?: string; featureLevel?: string }): Promise<GPUAdapterLike | null> };
type GPUAdapterLike = { info: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter?: boolean } };

const require = createRequire(import.meta.url);
// Names in variables: both packages are optional, and the build must not need their types.
const DAWN = 'webgpu', TFJS_WEBGPU = '@tensorflow/tfjs-backend-webgpu';
let active: GpuAdapter | null = null;

/** The adapter the webgpu backend of this thread runs on (null before `initWebgpu`, or on other backends). */
export function gpuAdapter(): GpuAdapter | null {
  return tf.getBackend() === 'webgpu' ? active : null;
}

/** Dawn's native addon, or null when the optional package (or its platform build) is missing. */
async function loadDawn(): Promise<DawnModule | null> {
  try { require.resolve(DAWN); } catch { return null; }
  try { return (await import(DAWN)) as DawnModule; } catch { return null; }
}

/** Adapter names Dawn lists for a backend (Dawn prints them when asked for an adapter that does not exist). */
async function listAdapters(dawn: DawnModule, backend: string): Promise<string[]> {
  try {
    // (Dawn's OpenGL backends list their adapters only to a request at the compatibility level.)
    await dawn.create([`backend=${backend}`, 'adapter=\u0001none\u0001']).requestAdapter(SOFTWARE_GL.has(backend) ? { featureLevel: 'compatibility' } : undefined);
    return [];
  } catch (e) {
    return [...(e as Error).message.matchAll(/name: '(.*)'$/gm)].map((m) => m[1]);
  }
}

/** Could this Linux machine have a GPU Vulkan can drive? (Spares CPU machines loading Dawn, and its warning.) */
const gpuDeviceNodes = () => process.platform !== 'linux' || ['/dev/nvidiactl', '/dev/dri', '/dev/kfd'].some((p) => existsSync(p));

const attempts = new Map<boolean, Promise<GpuAdapter | null>>();

/**
 * Find an adapter and make `webgpu` available to tfjs (once per thread). `real`: refuse the
 * null backend and software fallbacks (what `--backend auto` asks), and do not even load Dawn
 * on a Linux machine without GPU device nodes. Returns null when no adapter qualifies.
 */
export function initWebgpu(opts: { real: boolean }): Promise<GpuAdapter | null> {
  let attempt = attempts.get(opts.real);
  if (!attempt) attempts.set(opts.real, attempt = findAdapter(opts.real));
  return attempt;
}

async function findAdapter(real: boolean): Promise<GpuAdapter | null> {
  if (real && !gpuDeviceNodes()) return null;
  const dawn = await loadDawn();
  if (!dawn) return null;
  const dawnBackend = process.env.CLBENCH_DAWN_BACKEND || (process.platform === 'linux' ? 'vulkan' : '');
  if (real && (dawnBackend === 'null' || SOFTWARE_GL.has(dawnBackend))) return null;   // auto wants a GPU, not a stand-in
  const selector = process.env.CLBENCH_GPU || undefined;
  const flags = dawnBackend ? [`backend=${dawnBackend}`] : [];
  if (process.env.CLBENCH_DAWN_TOGGLES) flags.push(`enable-dawn-features=${process.env.CLBENCH_DAWN_TOGGLES}`);
  prepareSoftwareGl();   // no display: Mesa's EGL without a window system (a worker thread's pool did this on its main thread)
  const available = dawnBackend ? await listAdapters(dawn, dawnBackend) : undefined;
  if (selector !== undefined) flags.push(`adapter=${adapterName(selector, available ?? [])}`);
  const gpu = compatible(dawn.create(flags), dawnBackend);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (!adapter || (real && adapter.info.isFallbackAdapter)) return null;
  Object.assign(globalThis, dawn.globals);
  const nav = ((globalThis as { navigator?: object }).navigator ??= {}) as { gpu?: GPU };
  Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, writable: true });
  registerWebgpuAdam((await import(TFJS_WEBGPU)) as Parameters<typeof registerWebgpuAdam>[0]);
  registerWebgpuCrossEntropy();
  registerWebgpuDense();
  const { vendor, architecture, device, description } = adapter.info;
  active = { vendor, architecture, device, description, dawnBackend: dawnBackend || 'default', selector, available };
  return active;
}

/** Dawn's OpenGL backends: here for Mesa's llvmpipe (software), so `auto` never takes them. */
const SOFTWARE_GL = new Set(['opengl', 'opengles']);

/**
 * Mesa's EGL reads EGL_PLATFORM from the process's environment, which a worker thread's
 * process.env does not reach (a thread gets a copy): a process that starts webgpu worker threads
 * calls this on its main thread first (the runner's ThreadPool does), so that Dawn's OpenGL
 * backends find llvmpipe without a display.
 */
export function prepareSoftwareGl(): void {
  if (SOFTWARE_GL.has(process.env.CLBENCH_DAWN_BACKEND ?? '')) process.env.EGL_PLATFORM ??= 'surfaceless';
}

/** Dawn's OpenGL backends give adapters only at WebGPU's "compatibility" feature level; tfjs asks
 *  for core. On them every requestAdapter (tfjs's own included) asks for compatibility. This is
 *  how a CPU machine gets a computing WebGPU adapter: Mesa's llvmpipe through EGL
 *  (CLBENCH_DAWN_BACKEND=opengles, EGL_PLATFORM=surfaceless; README, GPUs). */
function compatible(gpu: GPU, dawnBackend: string): GPU {
  if (!SOFTWARE_GL.has(dawnBackend)) return gpu;
  const request = gpu.requestAdapter.bind(gpu);
  Object.defineProperty(gpu, 'requestAdapter', { value: (o?: { powerPreference?: string }) => request({ ...o, featureLevel: 'compatibility' }), configurable: true });
  return gpu;
}

/**
 * A CLBENCH_GPU selector as the name Dawn's `adapter=` flag matches. An index picks the
 * index-th adapter Dawn lists; Dawn matches names, so identical GPUs (eight H100s) cannot be
 * told apart this way: such an index is refused, and each process must see only its GPU.
 */
export function adapterName(selector: string, available: string[]): string {
  if (!/^\d+$/.test(selector)) return selector;
  const i = Number(selector), name = available[i];
  if (name === undefined) throw new Error(`CLBENCH_GPU=${selector}: Dawn lists ${available.length} adapter(s)${available.length ? `: ${available.join('; ')}` : ''}`);
  if (available.indexOf(name) !== i) throw new Error(`CLBENCH_GPU=${selector}: adapter ${i} ("${name}") has the same name as an earlier one, and Dawn selects adapters by name; give each process one visible GPU instead (see README, GPUs)`);
  return name;
}
