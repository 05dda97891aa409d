/**
 * Input preprocessing a protocol may ask for, applied once to the dataset a process holds:
 *  - pad: `pad` zero pixels on every side of each image (code 0 stands for pixel value 0);
 *  - normalize: every level v ↦ (v − mean) / std, so padding becomes −mean / std as well.
 * Hsu et al. 2018's MNIST pipeline (GT-RIPL/Continual-Learning-Benchmark, dataloaders/base.py:
 * Pad(2, fill=0), ToTensor, Normalize(mean 0.1, std 0.2752)) is { pad: 2, normalize: { mean: 0.1, std: 0.2752 } }.
 */
import type { DatasetConfig } from '@clbench/core';
import { sharedUint8, type Dataset, type Labeled } from './dataset.js';

export function preprocess(data: Dataset, cfg: Pick<DatasetConfig, 'pad' | 'normalize'>): Dataset {
  let out = data;
  if (cfg.pad) out = padded(out, cfg.pad);
  if (cfg.normalize) {
    const { mean, std } = cfg.normalize;
    out = { ...out, levels: Float32Array.from(out.levels, (v) => (v - mean) / std) };
  }
  return out;
}

function padded(data: Dataset, p: number): Dataset {
  const [H, W, C] = data.imageShape, H2 = H + 2 * p, W2 = W + 2 * p;
  const pad = (set: Labeled): Labeled => {
    const codes = sharedUint8(set.n * H2 * W2 * C);                     // zero codes: the padding
    for (let i = 0; i < set.n; i++) {
      for (let r = 0; r < H; r++) {
        const from = ((i * H + r) * W) * C, to = ((i * H2 + r + p) * W2 + p) * C;
        codes.set(set.codes.subarray(from, from + W * C), to);
      }
    }
    return { ...set, codes };
  };
  return { ...data, imageShape: [H2, W2, C], train: pad(data.train), test: pad(data.test) };
}
