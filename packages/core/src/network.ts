/**
 * A network = hidden layers (dense or conv2d, ReLU) + task heads.
 * Every hidden layer exposes what pruning methods need (CLNP, PackNet):
 *  - `units`: neurons (dense) or filters (conv) — the unit of pruning;
 *  - a unit mask (silences units in the forward pass, used to try a pruning);
 *  - the map from a weight's input row to the previous layer's unit (`inputUnitOfRow`);
 *  - per-unit activity (mean ReLU output; for conv averaged over positions).
 * Freezing lives in `trainable`: per-parameter 0/1 masks applied by the optimiser to the
 * *update* (not only the gradient), so Adam's moments cannot move a frozen weight.
 * Per-head weight masks (`headWeightMasks`, PackNet): when a head has one, its forward pass
 * uses W ⊙ mask, so a task sees only the weights it owns; empty (and free) for other methods.
 * Unit gates (HAT): a [units] vector multiplying a layer's activations — given per forward
 * pass (`gates`, differentiable, training) or kept per head (`headUnitMasks`, evaluation).
 * Probes (consolidation passes only): zero tensors added to each pre-activation and to the
 * logits; their gradients are the per-sample backpropagated errors δ (see importance.ts).
 */
import { tf } from './backend.js';
import { conv2d } from './conv.js';
import type { Rng } from './rng.js';
import type { LayerConfig, NetworkConfig } from './schemas/suite.js';
import { inputSize } from './task.js';
import { webgpuDense } from './webgpu-dense.js';
import { webgpuKernels } from './webgpu-dispatch.js';

export interface Param { name: string; variable: tf.Variable }

export class HiddenLayer {
  unitMask: tf.Tensor1D | null = null;
  /** Per-head 0/1 masks shaped like W (PackNet); the head's forward pass uses W ⊙ mask. Set via Network.setHeadWeightMask. */
  readonly headWeightMasks = new Map<number, tf.Tensor>();
  /** Per-head unit gates [units] (HAT's task masks); the head's forward pass multiplies the activations by its gate. */
  readonly headUnitMasks = new Map<number, tf.Tensor1D>();
  constructor(
    readonly index: number,
    readonly kind: 'dense' | 'conv2d',
    readonly W: tf.Variable,          // dense [in, units]; conv [k, k, inC, units]
    readonly b: tf.Variable,          // [units]
    readonly prevUnits: number | null, // units of the previous hidden layer; null = raw input
    readonly pool: number,
    readonly padding: 'same' | 'valid',
    readonly dropout: number,
    readonly flattenBefore: boolean,   // dense layer reading a conv layer's feature map
  ) {}

  get units(): number { return this.b.shape[0]; }
  get name(): string { return `l${this.index}`; }

  /** Unit (of the previous layer) that feeds row r of W viewed as [rows, units]; -1 = input. */
  inputUnitOfRow(r: number): number { return this.prevUnits === null ? -1 : r % this.prevUnits; }
  get rows(): number { return this.W.size / this.units; }

  /** Build a mask shaped like W from f(inputUnit, unit); inputUnit is -1 for raw input. */
  weightMask(f: (inputUnit: number, unit: number) => number): Float32Array {
    const rows = this.rows, units = this.units, out = new Float32Array(this.W.size);
    for (let r = 0; r < rows; r++) {
      const iu = this.inputUnitOfRow(r);
      for (let u = 0; u < units; u++) out[r * units + u] = f(iu, u);
    }
    return out;
  }

  /** ReLU pre-pool output (masked) and the layer output passed on. `head` selects a per-head
   *  weight mask and unit gate (if any); `probe` [N, units] is added to the pre-activation (dense only);
   *  `gate` [units] replaces the head's unit gate (HAT trains through it). */
  forward(x: tf.Tensor, training: boolean, seed: () => number, head = -1, probe?: tf.Tensor, gate?: tf.Tensor): { act: tf.Tensor; out: tf.Tensor } {
    let h: tf.Tensor;
    const mask = this.headWeightMasks.size ? this.headWeightMasks.get(head) : undefined;
    const W = mask ? this.W.mul(mask) : this.W;
    if (this.kind === 'dense') {
      const x2 = (this.flattenBefore ? x.reshape([x.shape[0], -1]) : x) as tf.Tensor2D;
      if (probe) h = tf.relu(tf.matMul(x2, W as tf.Tensor2D).add(this.b).add(probe));
      else if (webgpuKernels()) h = webgpuDense(x2, W as tf.Tensor2D, this.b as tf.Tensor1D, true, this.prevUnits !== null);   // one program, also under gradients
      else h = tf.fused.matMul({ a: x2, b: W as tf.Tensor2D, bias: this.b, activation: 'relu' });
    } else {
      if (probe) throw new Error(`${this.name}: probes are only supported on dense layers`);
      h = conv2d(x as tf.Tensor4D, W as tf.Tensor4D, this.padding).add(this.b).relu(); // conv.ts: wasm lacks the filter-gradient kernel
    }
    if (this.unitMask) h = h.mul(this.unitMask);
    const g = gate ?? this.headUnitMasks.get(head);
    if (g) h = h.mul(g);
    let out = h;
    if (this.pool > 1) out = tf.maxPool(out as tf.Tensor4D, this.pool, this.pool, 'valid');
    if (training && this.dropout > 0) out = tf.dropout(out, this.dropout, undefined, seed());
    return { act: h, out };
  }
}

export interface Head { W: tf.Variable; b: tf.Variable }

export class Network {
  /** Per-parameter update masks (1 = trainable); absent = fully trainable. */
  readonly trainable = new Map<string, tf.Tensor>();

  constructor(
    readonly inputShape: number[],
    readonly layers: HiddenLayer[],
    readonly heads: Head[],
    /** The stream dropout masks are drawn from (saved in checkpoints, network-state.ts). */
    readonly dropoutRng: Rng,
    /** How buildNetwork drew the weights (reinitialise draws them the same way). */
    private readonly init: NetworkConfig['init'] = undefined,
  ) {}

  /** Forward pass: x is [N, prod(inputShape)]; returns logits of `head`, hidden activations and
   *  `features` [N, F], the head's input (`headLogits` applies another head to them).
   *  `probes` (consolidation passes): one [N, units] per hidden layer + one [N, outputs] for the logits.
   *  `gates` (HAT, training): one [units] gate per hidden layer, replacing the head's unit masks. */
  forward(x: tf.Tensor2D, head: number, training = false, probes?: tf.Tensor[], gates?: tf.Tensor[]): { logits: tf.Tensor2D; activations: tf.Tensor[]; features: tf.Tensor2D } {
    let h: tf.Tensor = this.inputShape.length > 1 ? x.reshape([x.shape[0], ...this.inputShape]) : x;
    const activations: tf.Tensor[] = [];
    const seed = () => this.dropoutRng.uint32();
    this.layers.forEach((layer, l) => {
      const { act, out } = layer.forward(h, training, seed, head, probes?.[l], gates?.[l]);
      activations.push(act);
      h = out;
    });
    if (h.rank > 2) h = h.reshape([h.shape[0], -1]);
    const features = h as tf.Tensor2D;
    let logits = this.headLogits(features, head);
    if (probes) logits = logits.add(probes[this.layers.length]);
    return { logits, activations, features };
  }

  /** Logits of head `head` on head-input features [N, F]. */
  headLogits(features: tf.Tensor2D, head: number): tf.Tensor2D {
    const H = this.heads[head];
    if (webgpuKernels()) return webgpuDense(features, H.W as unknown as tf.Tensor2D, H.b as unknown as tf.Tensor1D, false, true);
    return tf.matMul(features, H.W as unknown as tf.Tensor2D).add(H.b) as tf.Tensor2D;
  }

  /** A frozen copy (weights, per-head weight masks and unit gates cloned; nothing trainable) —
   *  the previous model whose outputs LwF distils. Dispose it when done. */
  frozenCopy(): Network {
    const copy = copyCount++;
    const frozen = (v: tf.Variable) => makeVariable(v.clone(), false, `${v.name}.copy${copy}`);
    const layers = this.layers.map((l) => {
      const c = new HiddenLayer(l.index, l.kind, frozen(l.W), frozen(l.b), l.prevUnits, l.pool, l.padding, l.dropout, l.flattenBefore);
      for (const [h, m] of l.headWeightMasks) c.headWeightMasks.set(h, tf.keep(m.clone()));
      for (const [h, m] of l.headUnitMasks) c.headUnitMasks.set(h, tf.keep(m.clone()));
      return c;
    });
    return new Network(this.inputShape, layers, this.heads.map((h) => ({ W: frozen(h.W), b: frozen(h.b) })), this.dropoutRng.fork('copy'), this.init);
  }

  /** A fresh network in place (single-task's network per task): every weight and bias drawn again
   *  as buildNetwork draws them from `rng` (hidden layers, then heads). */
  reinitialise(rng: Rng): void {
    for (const { W, b } of [...this.layers, ...this.heads]) {
      const [Wv, bv] = initialWeights(this.init, rng, W.shape, b.shape[0]);
      tf.tidy(() => {
        W.assign(tf.tensor(Wv, W.shape));
        b.assign(tf.tensor1d(bv));
      });
    }
  }

  /** Unit of the last hidden layer that feeds row r of a head's W. */
  headInputUnitOfRow(r: number): number { return r % this.layers[this.layers.length - 1].units; }

  /** Every parameter by name: l{i}.W, l{i}.b, head{k}.W, head{k}.b. */
  params(): Param[] {
    return [...this.hiddenParams(), ...this.heads.flatMap((_, k) => this.headParams(k))];
  }
  hiddenParams(): Param[] {
    return this.layers.flatMap((l) => [{ name: `${l.name}.W`, variable: l.W }, { name: `${l.name}.b`, variable: l.b }]);
  }
  headParams(k: number): Param[] {
    return [{ name: `head${k}.W`, variable: this.heads[k].W }, { name: `head${k}.b`, variable: this.heads[k].b }];
  }
  /** Parameters trained on a task with head `head`: hidden layers + that head. */
  taskParams(head: number): Param[] { return [...this.hiddenParams(), ...this.headParams(head)]; }
  /** Parameters shared by all tasks: what weight-elasticity penalties regularise.
   *  Multi-head: hidden layers only (other tasks' heads are never trained again);
   *  single shared head: hidden layers + the head. */
  sharedParams(): Param[] { return this.heads.length > 1 ? this.hiddenParams() : this.params(); }

  /** Set a parameter's update mask (takes ownership of `mask`); an all-ones mask is dropped,
   *  so fully trainable parameters cost nothing in the optimiser. */
  setTrainable(name: string, mask: tf.Tensor): void {
    this.trainable.get(name)?.dispose();
    this.trainable.delete(name);
    if (tf.tidy(() => mask.min().dataSync()[0]) === 1) { mask.dispose(); return; }
    this.trainable.set(name, tf.keep(mask));
  }

  /** Make head `head` use W ⊙ mask in hidden layer `layer` (PackNet's per-task weights); the network keeps and disposes it. */
  setHeadWeightMask(layer: number, head: number, mask: tf.Tensor): void {
    const masks = this.layers[layer].headWeightMasks;
    masks.get(head)?.dispose();
    masks.set(head, tf.keep(mask));
  }

  /** Make head `head` multiply layer `layer`'s activations by `gate` [units] (HAT's task mask); the network keeps and disposes it. */
  setHeadUnitMask(layer: number, head: number, gate: tf.Tensor1D): void {
    const masks = this.layers[layer].headUnitMasks;
    masks.get(head)?.dispose();
    masks.set(head, tf.keep(gate));
  }

  /** Clear the per-layer unit masks set for a trial pruning. */
  clearUnitMasks(): void { for (const l of this.layers) { l.unitMask?.dispose(); l.unitMask = null; } }

  dispose(): void {
    this.clearUnitMasks();
    for (const l of this.layers) {
      for (const m of [...l.headWeightMasks.values(), ...l.headUnitMasks.values()]) m.dispose();
      l.headWeightMasks.clear(); l.headUnitMasks.clear();
    }
    for (const p of this.params()) p.variable.dispose();
    for (const m of this.trainable.values()) m.dispose();
    this.trainable.clear();
  }
}

let copyCount = 0;

/** A variable owning its initial value (tf.variable keeps the source tensor alive otherwise). */
function makeVariable(init: tf.Tensor, trainable: boolean, name: string): tf.Variable {
  const v = tf.variable(init, trainable, name);
  init.dispose();
  return v;
}

/** Glorot-uniform weights U(±√(6 / (fan_in + fan_out))) from the run's RNG (backend-independent). */
export function glorot(rng: Rng, shape: readonly number[], fanIn: number, fanOut: number): Float32Array {
  return uniform(rng, shape.reduce((a, b) => a * b, 1), Math.sqrt(6 / (fanIn + fanOut)));
}

/** A layer's initial weights W (shape `shape`) and biases [units], drawn from `rng` in that order.
 *  glorot (default): Glorot & Bengio 2010 uniform weights, zero biases (no draw).
 *  pytorch: PyTorch's nn.Linear / nn.Conv2d default, kaiming_uniform_(a=√5) = U(±1/√fan_in) for
 *  the weights and U(±1/√fan_in) for the biases (Hsu et al. 2018's networks). */
export function initialWeights(kind: NetworkConfig['init'], rng: Rng, shape: readonly number[], units: number): [Float32Array, Float32Array] {
  const [fanIn, fanOut] = glorotFans(shape);
  if (kind !== 'pytorch') return [glorot(rng, shape, fanIn, fanOut), new Float32Array(units)];
  const bound = 1 / Math.sqrt(fanIn);
  const W = uniform(rng, shape.reduce((a, b) => a * b, 1), bound);
  return [W, uniform(rng, units, bound)];   // W first, then b: the order of PyTorch's reset_parameters
}

/** n draws of U(−bound, bound). */
function uniform(rng: Rng, n: number, bound: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * rng.next() - 1) * bound;
  return out;
}

/** Glorot's fans of a weight as buildNetwork uses them: dense [in, out] → (in, out);
 *  conv [k, k, C, F] → (k·k·C, k·k·F). */
export function glorotFans(shape: readonly number[]): [number, number] {
  if (shape.length === 2) return [shape[0], shape[1]];
  const [k1, k2, C, F] = shape;
  return [k1 * k2 * C, k1 * k2 * F];
}

/** A hidden layer as a config makes it for an input shape, before any weight is drawn. */
export interface LayerLayout {
  /** Index in NetworkConfig.layers (dropout entries counted), for messages naming the field. */
  configIndex: number;
  kind: 'dense' | 'conv2d';
  /** dense [in, units]; conv2d [k, k, inC, filters]. */
  weightShape: number[];
  units: number;
  /** The ReLU output before pooling, per sample (what pruning statistics keep): [units] or [oh, ow, filters]. */
  activationShape: number[];
  /** What the layer passes on, per sample (after pooling). */
  outputShape: number[];
  pool: number;
  padding: 'same' | 'valid';
  /** Rate of the dropout entry that follows the layer (0: none). */
  dropout: number;
  /** A dense layer reading a conv layer's feature map. */
  flattenBefore: boolean;
  /** Units of the previous hidden layer; null = raw input. */
  prevUnits: number | null;
  /** Weights + biases. */
  parameters: number;
}

/** A network's shapes: hidden layers, the heads' input size and each head's weight shape [features, outputs]. */
export interface NetworkLayout { layers: LayerLayout[]; features: number; heads: [number, number][]; parameters: number }

/**
 * The shapes buildNetwork builds (and suite validation, packages/runner/src/suite-checks.ts,
 * checks): pure, no RNG draw, no tensor. Throws "network.layers[i](.field): message" for a
 * layer the input cannot feed.
 */
export function networkLayout(cfg: NetworkConfig, inputShape: number[], headOutputs: number[]): NetworkLayout {
  const layers: LayerLayout[] = [], cfgs: LayerConfig[] = cfg.layers;
  let shape = [...inputShape];             // current feature shape (without batch)
  let prevUnits: number | null = null;
  for (let i = 0; i < cfgs.length; i++) {
    const c = cfgs[i];
    if (c.type === 'dropout') continue;
    const next = cfgs[i + 1];
    const common = { configIndex: i, pool: 1, padding: 'same' as const, dropout: next?.type === 'dropout' ? next.rate : 0, prevUnits, flattenBefore: false };
    let layer: LayerLayout;
    if (c.type === 'dense') {
      const weightShape = [inputSize(shape), c.units];
      layer = {
        ...common, kind: 'dense', weightShape, units: c.units, activationShape: [c.units], outputShape: [c.units],
        flattenBefore: shape.length > 1, parameters: (weightShape[0] + 1) * c.units,
      };
    } else {
      if (shape.length !== 3) throw new Error(`network.layers[${i}]: conv2d needs an image input shape [H, W, C] (got [${inputShape.join(', ')}]) and cannot follow a dense layer`);
      const [H, Wd, C] = shape, k = c.kernelSize;
      if (c.padding === 'valid' && (k > H || k > Wd)) throw new Error(`network.layers[${i}].kernelSize: a ${k}×${k} 'valid' convolution does not fit its ${H}×${Wd} input`);
      const oh = c.padding === 'same' ? H : H - k + 1, ow = c.padding === 'same' ? Wd : Wd - k + 1;
      if (c.pool > oh || c.pool > ow) throw new Error(`network.layers[${i}].pool: ${c.pool}×${c.pool} pooling of a ${oh}×${ow} feature map leaves nothing`);
      layer = {
        ...common, kind: 'conv2d', weightShape: [k, k, C, c.filters], units: c.filters, pool: c.pool, padding: c.padding,
        activationShape: [oh, ow, c.filters], outputShape: [Math.floor(oh / c.pool), Math.floor(ow / c.pool), c.filters],
        parameters: (k * k * C + 1) * c.filters,
      };
    }
    layers.push(layer);
    shape = layer.outputShape;
    prevUnits = layer.units;
  }
  const features = inputSize(shape);
  const heads = headOutputs.map((k): [number, number] => [features, k]);
  const parameters = layers.reduce((n, l) => n + l.parameters, 0) + heads.reduce((n, [f, k]) => n + (f + 1) * k, 0);
  return { layers, features, heads, parameters };
}

/** Build hidden layers from the config (shapes: networkLayout) and one head per entry of `headOutputs`. */
let networkCount = 0;

export function buildNetwork(cfg: NetworkConfig, inputShape: number[], headOutputs: number[], rng: Rng): Network {
  const init = rng.fork('init');
  const id = `net${networkCount++}`; // tfjs variable names are global: make them unique
  const layout = networkLayout(cfg, inputShape, headOutputs);
  // weights drawn in layout order: hidden layers, then heads (reinitialise draws them the same way)
  const layers = layout.layers.map((l, idx) => {
    const [Wv, bv] = initialWeights(cfg.init, init, l.weightShape, l.units);
    const W = makeVariable(tf.tensor(Wv, l.weightShape), true, `${id}.l${idx}.W`);
    const b = makeVariable(tf.tensor1d(bv), true, `${id}.l${idx}.b`);
    return new HiddenLayer(idx, l.kind, W, b, l.prevUnits, l.pool, l.padding, l.dropout, l.flattenBefore);
  });
  const heads = layout.heads.map(([features, k], h) => {
    const [Wv, bv] = initialWeights(cfg.init, init, [features, k], k);
    return { W: makeVariable(tf.tensor2d(Wv, [features, k]), true, `${id}.head${h}.W`), b: makeVariable(tf.tensor1d(bv), true, `${id}.head${h}.b`) };
  });
  return new Network(inputShape, layers, heads, rng.fork('dropout'), cfg.init);
}
