/**
 * The suite checks recompute sizes without building anything; here each is compared with
 * the code that really builds it: dataset facts with the loaded data, the parameter count
 * with buildNetwork, samples per task with buildScenario. Each limit must sit exactly at
 * the real size: the real value passes, one more (or one less) fails. The bad-input table
 * (packages/cli/src/bad-input.test.ts) covers each check's message.
 */
import { buildNetwork, initBackend, Rng, SuiteSchema, type SuiteInput } from '@clbench/core';
import { buildScenario, datasetFacts, indicesByClass, loadEmbeddedMnist, loadIdxDataset } from '@clbench/data';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { checkSuite, LIMITS } from './suite-checks.js';

const suite = (over: Partial<SuiteInput> = {}) => SuiteSchema.parse({
  name: 't', dataset: { name: 'mnist', limit: 50 }, scenario: { type: 'split', tasks: 2, classesPerTask: 2 },
  network: { layers: [{ type: 'dense', units: 16 }] }, methods: [{ name: 'naive' }], training: { batchSize: 32 }, ...over,
});
const problem = (s: ReturnType<typeof suite>) => { try { checkSuite(s); return ''; } catch (e) { return (e as Error).message; } };

const saved = { ...LIMITS };
afterEach(() => Object.assign(LIMITS, saved));

describe('dataset facts', () => {
  it('embedded MNIST: training samples per class and test size as loaded', () => {
    const d = loadEmbeddedMnist(), facts = datasetFacts({ name: 'mnist', source: 'embedded' });
    expect(facts.trainPerClass).toEqual(indicesByClass(d.train, 10).map((i) => i.length));
    expect([facts.testSamples, facts.classes, facts.imageShape]).toEqual([d.test.n, d.classes, d.imageShape]);
  });

  const DEBIAN = '/usr/share/datasets/fashion-mnist';
  it.skipIf(!existsSync(DEBIAN) && process.env.CI !== 'true')('Fashion-MNIST (Debian dataset-fashion-mnist): as loaded', () => {
    const d = loadIdxDataset('fashion-mnist', DEBIAN), facts = datasetFacts({ name: 'fashion-mnist', source: { dir: DEBIAN } });
    expect(facts.trainPerClass).toEqual(indicesByClass(d.train, 10).map((i) => i.length));
    expect([facts.testSamples, facts.imageShape]).toEqual([d.test.n, d.imageShape]);
  });
});

describe('checkSuite against what the code builds', () => {
  const networks = {
    mlp: { layers: [{ type: 'dense', units: 30 }, { type: 'dropout', rate: 0.5 }, { type: 'dense', units: 20 }] },
    conv: { layers: [{ type: 'conv2d', filters: 3, kernelSize: 5, padding: 'valid', pool: 2 }, { type: 'conv2d', filters: 4, pool: 3 }, { type: 'dense', units: 7 }] },
  } as const;
  for (const [name, network] of Object.entries(networks)) {
    it(`parameter limit at buildNetwork's real count (${name}, 5 task heads)`, async () => {
      await initBackend('cpu');
      const s = suite({ network, scenario: { type: 'split', tasks: 5, classesPerTask: 2 } });
      const net = buildNetwork(s.network, name === 'conv' ? [28, 28, 1] : [784], Array(5).fill(2), new Rng('t'));
      const real = net.params().reduce((n, p) => n + p.variable.size, 0);
      net.dispose();
      LIMITS.parameters = real;
      expect(problem(s)).toBe('');
      LIMITS.parameters = real - 1;
      expect(problem(s)).toMatch(new RegExp(`: the network has ${real.toLocaleString('en-US')} parameters`));
    });
  }

  it("a 'valid' kernel as large as the input fits; one larger does not", () => {
    const conv = (kernelSize: number) => suite({ network: { layers: [{ type: 'conv2d', filters: 2, kernelSize, padding: 'valid' }] } });
    expect(problem(conv(28))).toBe(''); // a 1×1 feature map
    expect(problem(conv(29))).toMatch(/^network\.layers\[0\]\.kernelSize:/);
  });

  it('batch size limit at buildScenario\'s smallest training split (limit 50, validation 10 %, class-incremental 3 × 3)', () => {
    const over = { dataset: { name: 'mnist', limit: 50 }, scenario: { type: 'split', incremental: 'class', tasks: 3, classesPerTask: 3 } } as const;
    const s = suite(over);
    const built = buildScenario(loadEmbeddedMnist(), s.scenario, { seed: 0, ordering: [], validationFraction: 0.1, image: false, limit: 50 });
    const smallest = Math.min(...built.tasks.map((t) => t.train.n));
    expect(smallest).toBe(135); // 3 classes × 50, less round(15) for validation
    expect(problem(suite({ ...over, training: { batchSize: smallest } }))).toBe('');
    expect(problem(suite({ ...over, training: { batchSize: smallest + 1 } }))).toMatch(/^training\.batchSize: 136 is more than the 135 training samples/);
  });

  it('rotations: 4 tasks over 360° are distinct; over 720° tasks 0 and 2 coincide', () => {
    expect(problem(suite({ scenario: { type: 'rotated', tasks: 4, maxDegrees: 360 } }))).toBe('');
    expect(problem(suite({ scenario: { type: 'rotated', tasks: 4, maxDegrees: 720 } }))).toMatch(/^scenario\.maxDegrees: tasks 0 and 2 are both rotated by 0\.0°/);
  });

  it('task limit: exactly LIMITS.tasks permuted tasks pass the task count', () => {
    LIMITS.tasks = 3;
    expect(problem(suite({ scenario: { type: 'permuted', incremental: 'task', tasks: 3 } }))).toBe('');
    expect(problem(suite({ scenario: { type: 'permuted', incremental: 'task', tasks: 4 } }))).toMatch(/^scenario\.tasks: 4 tasks exceeds the limit of 3$/);
  });

  it('run limit counts grid points × seeds × orderings', () => {
    const s = suite({ methods: [{ name: 'ewc', hyperparameters: { lambda: [1, 2, 3] } }, { name: 'naive' }], seeds: [0, 1], orderings: { explicit: [[0, 1], [1, 0]] } });
    LIMITS.runs = 16; // (3 + 1) × 2 × 2
    expect(problem(s)).toBe('');
    LIMITS.runs = 15;
    expect(problem(s)).toMatch(/^methods × seeds × orderings: up to 4 × 2 × 2 = 16 runs/);
  });
});
