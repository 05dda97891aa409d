import { describe, expect, it } from 'vitest';
import { BYTE_LEVELS, sharedUint8, type Dataset } from './dataset.js';
import { datasetFacts } from './facts.js';
import { loadDataset } from './load.js';
import { preprocess } from './preprocess.js';
import { buildScenario } from './scenarios.js';

/** Two 2×3 one-channel images per set, codes 1..6 and 7..12. */
function tiny(): Dataset {
  const set = () => { const codes = sharedUint8(12); codes.forEach((_, i) => { codes[i] = i + 1; }); return { codes, y: Int32Array.from([0, 1]), n: 2 }; };
  return { name: 'tiny', imageShape: [2, 3, 1], classes: 2, levels: BYTE_LEVELS, train: set(), test: set() };
}

describe('preprocess (Hsu et al. 2018: Pad(2, fill=0), ToTensor, Normalize(0.1, 0.2752))', () => {
  it('pads each image with zero codes, by hand', () => {
    const d = preprocess(tiny(), { pad: 1 });
    expect(d.imageShape).toEqual([4, 5, 1]);
    expect(Array.from(d.train.codes.subarray(0, 20))).toEqual([
      0, 0, 0, 0, 0,
      0, 1, 2, 3, 0,
      0, 4, 5, 6, 0,
      0, 0, 0, 0, 0]);
    expect(Array.from(d.test.codes.subarray(20, 40)).filter((c) => c)).toEqual([7, 8, 9, 10, 11, 12]);
    expect(d.train.codes.buffer).toBeInstanceOf(SharedArrayBuffer);      // still shared with worker threads
  });

  it('normalizes every level, padding included, and a scenario reads (v − mean) / std', () => {
    const d = preprocess(tiny(), { pad: 1, normalize: { mean: 0.1, std: 0.2752 } });
    const s = buildScenario(d, { type: 'split', incremental: 'task', tasks: 1, classesPerTask: 2 }, { seed: 0, ordering: [], validationFraction: 0, image: false });
    const row = new Float32Array(20);
    const t = s.tasks[0].test, first = Array.from(t.y).indexOf(0);
    t.view!.copyRow(first, row, 0);
    const want = [0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 4, 5, 6, 0, 0, 0, 0, 0, 0].map((k) => Math.fround((Math.fround(k / 255) - 0.1) / 0.2752));
    row.forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
    expect(s.inputShape).toEqual([20]);
  });

  it('loadDataset applies it, caches it apart from the plain dataset, and the suite checks see the padded shape', () => {
    const cfg = { name: 'mnist' as const, source: 'embedded' as const, pad: 2, normalize: { mean: 0.1, std: 0.2752 } };
    const plain = loadDataset({ name: 'mnist', source: 'embedded' }), padded = loadDataset(cfg);
    expect(plain.imageShape).toEqual([28, 28, 1]);
    expect(padded.imageShape).toEqual([32, 32, 1]);
    expect(datasetFacts(cfg).imageShape).toEqual([32, 32, 1]);
    expect(padded.levels[0]).toBeCloseTo(-0.1 / 0.2752, 6);
    expect(loadDataset({ name: 'mnist', source: 'embedded' }).imageShape).toEqual([28, 28, 1]);
  });
});
