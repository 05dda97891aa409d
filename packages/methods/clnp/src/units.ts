/**
 * CLNP's bookkeeping of units (neurons / conv filters) per hidden layer, and the weight
 * surgery it implies (Golkar, Kagan & Cho 2019, arXiv 1903.04476, §3):
 *   owner[u] = -1 : free — trainable by the next task, silent for every finished task;
 *   owner[u] = t  : active for task t and every later task that reads it; frozen forever.
 * Everything here is plain array work done once per task, never per step.
 */
import { glorot, tf, type Network, type Rng } from '@clbench/core';

export const FREE = -1;

export class UnitOwners {
  readonly owner: Int32Array[];
  constructor(net: Network) {
    this.owner = net.layers.map((l) => new Int32Array(l.units).fill(FREE));
  }
  free(layer: number): number { return this.owner[layer].filter((o) => o === FREE).length; }
  activeFor(layer: number, task: number): number { return this.owner[layer].filter((o) => o === task).length; }
  isFree(layer: number, unit: number): boolean { return this.owner[layer][unit] === FREE; }
}

/** Owner of the unit feeding row r of layer l's W (raw input counts as finished, never free). */
function inputOwner(net: Network, owners: UnitOwners, l: number, r: number): number {
  const iu = net.layers[l].inputUnitOfRow(r);
  return iu < 0 ? Number.NEGATIVE_INFINITY : owners.owner[l - 1][iu];
}

/**
 * §3 "interference": zero every weight from a free unit into an active unit (and into
 * the finished task's head), so whatever later tasks do to free units never reaches a
 * finished task's computation. The zeros are kept by freezing (see trainableMasks).
 */
export function severFreeToActive(net: Network, owners: UnitOwners, head: number): void {
  net.layers.forEach((layer, l) => {
    if (l === 0) return; // the input has no free units
    const keep = layer.weightMask((iu, u) => (owners.owner[l - 1][iu] === FREE && owners.owner[l][u] !== FREE ? 0 : 1));
    multiplyInPlace(layer.W, keep);
  });
  const last = owners.owner[owners.owner.length - 1];
  const H = net.heads[head].W, outputs = H.shape[1]!;
  const keep = new Float32Array(H.size);
  for (let r = 0; r < keep.length / outputs; r++) keep.fill(last[net.headInputUnitOfRow(r)] === FREE ? 0 : 1, r * outputs, (r + 1) * outputs);
  multiplyInPlace(H, keep);
}

function multiplyInPlace(v: tf.Variable, mask: Float32Array): void {
  const data = v.dataSync() as Float32Array, out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = mask[i] === 0 ? 0 : data[i];
  tf.tidy(() => v.assign(tf.tensor(out, v.shape)));
}

/**
 * Update masks (1 = trainable) for training `phase`:
 *  - 'free': the next task trains free units only — all their incoming weights, including
 *    those from active units of finished tasks (forward transfer) — and their biases;
 *  - task t (fine-tuning after pruning): only units owned by t, reading from non-free units.
 * Weights from free units into non-free units stay frozen at zero.
 */
export function setTrainableMasks(net: Network, owners: UnitOwners, phase: 'free' | number): void {
  const trains = (o: number) => (phase === 'free' ? o === FREE : o === phase);
  net.layers.forEach((layer, l) => {
    const own = owners.owner[l];
    const wMask = layer.weightMask((_iu, u) => (trains(own[u]) ? 1 : 0));
    if (l > 0 && phase !== 'free') {
      // fine-tuning task t: rows from free units into t's units stay severed (0)
      for (let r = 0; r < layer.rows; r++) if (inputOwner(net, owners, l, r) === FREE) wMask.fill(0, r * layer.units, (r + 1) * layer.units);
    }
    net.setTrainable(`${layer.name}.W`, tf.tensor(wMask, layer.W.shape));
    net.setTrainable(`${layer.name}.b`, tf.tensor1d(Float32Array.from(own, (o) => (trains(o) ? 1 : 0))));
  });
}

/** Head mask for fine-tuning task t: rows from free units stay at zero. */
export function headFineTuneMask(net: Network, owners: UnitOwners, head: number): tf.Tensor {
  const last = owners.owner[owners.owner.length - 1], outputs = net.heads[head].W.shape[1]!;
  const m = new Float32Array(net.heads[head].W.size);
  for (let r = 0; r < m.length / outputs; r++) m.fill(last[net.headInputUnitOfRow(r)] === FREE ? 0 : 1, r * outputs, (r + 1) * outputs);
  return tf.tensor(m, net.heads[head].W.shape);
}

/** Re-initialise free units (incoming weights and bias) before a new task (§3). */
export function reinitFreeUnits(net: Network, owners: UnitOwners, rng: Rng): void {
  net.layers.forEach((layer, l) => {
    const own = owners.owner[l];
    if (!own.some((o) => o === FREE)) return;
    const shape = layer.W.shape as number[];
    const fanOut = layer.kind === 'conv2d' ? shape[0] * shape[1] * layer.units : layer.units; // as in buildNetwork
    const fresh = glorot(rng, shape, layer.rows, fanOut);
    const W = layer.W.dataSync() as Float32Array, out = Float32Array.from(W);
    for (let r = 0; r < layer.rows; r++) for (let u = 0; u < layer.units; u++) {
      // every incoming weight of a free unit is re-drawn, including those from active units
      if (own[u] === FREE) out[r * layer.units + u] = fresh[r * layer.units + u];
    }
    const b = Float32Array.from(layer.b.dataSync() as Float32Array, (v, u) => (own[u] === FREE ? 0 : v));
    tf.tidy(() => { layer.W.assign(tf.tensor(out, layer.W.shape)); layer.b.assign(tf.tensor1d(b)); });
  });
}

/**
 * The warning for a task that starts with full layers (no free unit). Weights from free units
 * into earlier tasks' units are severed and frozen, so with layer k full the task's free units
 * below k feed nothing it uses: it can train only the free units above the last full layer
 * (reading that layer's frozen units: feature reuse) and its head.
 */
export function capacityWarning(net: Network, full: number[], task: number): string {
  const L = net.layers.length, k = Math.max(...full);
  const trains = k === L - 1 ? `only its head, on the frozen units of layer ${k}` : `only the free units of layer${k + 2 === L ? '' : 's'} ${k + 1}${k + 2 === L ? '' : `–${L - 1}`} (reading the frozen units of layer ${k}) and its head`;
  const idle = k > 0 && net.layers.slice(0, k).some((_, l) => !full.includes(l)) ? `; the free units of layers below ${k} feed nothing it uses` : '';
  const names = full.map((l) => `layer ${l} (${net.layers[l].units} units)`).join(', ');
  return `clnp: capacity exhausted — ${names} ${full.length > 1 ? 'have' : 'has'} no free units left; task ${task} can train ${trains}${idle}`;
}
