/**
 * Tensors backend selection. `@tensorflow/tfjs` is imported (not tfjs-core alone) so that
 * gradients are registered. `webgpu` (Dawn, webgpu.ts) and `tensorflow` (tfjs-node-gpu /
 * tfjs-node, whose install downloads libtensorflow) are optional dependencies. `auto`:
 * webgpu when a real GPU adapter exists, else tensorflow if it loads, else wasm, else cpu.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { trackDataIds } from './host.js';
import { useFastTransposedMatMul } from './wasm-matmul.js';
import { initWebgpu } from './webgpu.js';
import { deviceOne } from './webgpu-dispatch.js';

useFastTransposedMatMul(); // before the wasm backend initialises (wasm-matmul.ts)

export type BackendName = 'auto' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['auto', 'webgpu', 'tensorflow', 'wasm', 'cpu'];

const require = createRequire(import.meta.url);

function tryLoadTensorflow(): string | null {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try { require(pkg); return pkg; } catch { /* not installed or libtensorflow missing */ }
  }
  return null;
}

/** Initialise the requested backend; returns the name of the backend actually in use. */
export async function initBackend(name: BackendName = 'auto'): Promise<string> {
  if (name === 'webgpu' || name === 'auto') {
    if (tf.getBackend() === 'webgpu' && tf.findBackend('webgpu')) return 'webgpu';
    const adapter = await initWebgpu({ real: name === 'auto' });
    if (adapter && (await tf.setBackend('webgpu'))) { await tf.ready(); trackDataIds(tf.backend()); deviceOne(); return 'webgpu'; }
    if (name === 'webgpu') throw new Error('backend "webgpu": no WebGPU adapter (needs the optional packages webgpu and @tensorflow/tfjs-backend-webgpu, glibc ≥ 2.34, the Vulkan loader libvulkan1 and a GPU driver with Vulkan; see README, GPUs)');
  }
  if (name === 'tensorflow' || name === 'auto') {
    const pkg = tryLoadTensorflow();
    if (pkg && (await tf.setBackend('tensorflow'))) { await tf.ready(); return 'tensorflow'; }
    if (name === 'tensorflow') throw new Error('backend "tensorflow": neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node could be loaded (install one of them, or use --backend wasm)');
  }
  if (name === 'wasm' || name === 'auto') {
    try { if (await tf.setBackend('wasm')) { await tf.ready(); return 'wasm'; } }
    catch (e) { if (name === 'wasm') throw new Error(`backend "wasm" failed to initialise: ${(e as Error).message}`); }
  }
  await tf.setBackend('cpu'); await tf.ready();
  return 'cpu';
}

export { tf };
