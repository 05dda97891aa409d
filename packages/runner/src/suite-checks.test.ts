/**
 * The suite checks recompute sizes without building anything; here each is compared with
 * the code that really builds it: dataset facts with the loaded data, the parameter count
 * with buildNetwork, samples per task with buildScenario. Each limit must sit exactly at
 * the real size: the real value passes, one more (or one less) fails. The bad-input table
 * (packages/cli/src/bad-input.test.ts) covers each check's message. The shapes the checks
 * derive (suite-shapes.ts) are compared with the scenario and network the builders build,
 * so that a builder change the checks do not follow fails here.
 */
import { buildNetwork, initBackend, Rng, SuiteSchema, tf, type SuiteInput } from '@clbench/core';
import { buildScenario, datasetFacts, indicesByClass, loadEmbeddedMnist, loadIdxDataset, usesImages, validationCount } from '@clbench/data';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { checkSuite, LIMITS } from './suite-checks.js';
import { dataBytesOf, networkOf, scenarioOf, taskRows } from './suite-shapes.js';

const suite = (over: Partial<SuiteInput> = {}) => SuiteSchema.parse({
  name: 't', dataset: { name: 'mnist', limit: 50 }, scenario: { type: 'split', tasks: 2, classesPerTask: 2 },
  network: { layers: [{ type: 'dense', units: 16 }] }, methods: [{ name: 'naive' }], training: { batchSize: 32 }, ...over,
});
type NetworkInput = NonNullable<SuiteInput['network']>;
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
  const networks: Record<string, NetworkInput> = {
    mlp: { layers: [{ type: 'dense', units: 30 }, { type: 'dropout', rate: 0.5 }, { type: 'dense', units: 20 }] },
    conv: { layers: [{ type: 'conv2d', filters: 3, kernelSize: 5, padding: 'valid', pool: 2 }, { type: 'conv2d', filters: 4, pool: 3 }, { type: 'dense', units: 7 }] },
  };
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

describe('long permuted and rotated suites: tasks are views over one uint8 copy', () => {
  const mlp: NetworkInput = { layers: [{ type: 'dense', units: 2000 }, { type: 'dense', units: 2000 }] };
  const permutedFull = (tasks: number) => suite({
    dataset: { name: 'mnist', source: 'full' }, scenario: { type: 'permuted', incremental: 'task', tasks }, network: mlp, training: { batchSize: 128 },
  });

  it('permuted MNIST (full), 100 and 1000 tasks, 784-2000-2000: accepted (was refused for a float32 copy per task)', () => {
    expect(problem(permutedFull(100))).toBe('');
    expect(problem(permutedFull(LIMITS.tasks))).toBe('');
    const { dataset, views } = dataBytesOf(permutedFull(100), datasetFacts({ name: 'mnist', source: 'full' }));
    expect(dataset).toBe(70_000 * 784);                    // 60 000 + 10 000 digits as bytes, once
    expect(views).toBe(100 * 70_000 * 8 + 99 * 784 * 4);  // an Int32 row index and label per sample; 99 permutations
  });

  it('rotated Fashion-MNIST, 100 tasks: accepted', () => {
    expect(problem(suite({ dataset: { name: 'fashion-mnist', source: { dir: '/data/fashion-mnist' } }, scenario: { type: 'rotated', incremental: 'task', tasks: 100 }, network: mlp }))).toBe('');
  });

  it('data limit at the real bytes: the dataset once plus the views pass, one byte less is refused (one line, naming the field)', () => {
    const s = permutedFull(100), { dataset, views } = dataBytesOf(s, datasetFacts(s.dataset));
    LIMITS.dataBytes = dataset + views;
    expect(problem(s)).toBe('');
    LIMITS.dataBytes = dataset + views - 1;
    expect(problem(s)).toBe('scenario.tasks: 100 permuted tasks of mnist hold 106.0 MiB (52.3 MiB of uint8 images, shared, and 53.7 MiB of task views), more than the limit of 106.0 MiB');
  });

  it('impossible configs are still refused, one line each', () => {
    expect(problem(permutedFull(1e9))).toBe('scenario.tasks: 1,000,000,000 tasks exceeds the limit of 1,000');
    expect(problem(suite({ network: { layers: [{ type: 'dense', units: 2e9 }] } }))).toBe('network.layers[0].units: its output over a batch of 1000 takes 7450.6 GiB, more than the limit of 1.0 GiB');
    expect(problem(suite({ scenario: { type: 'split', tasks: 6, classesPerTask: 2 } }))).toBe('scenario.tasks: 6 tasks × 2 classes needs 12 classes, mnist has 10');
    expect(problem(suite({ network: { layers: [{ type: 'conv2d', filters: 4, pool: 2 }, { type: 'conv2d', filters: 4, pool: 16 }] } })))
      .toBe('network.layers[1].pool: 16×16 pooling of a 14×14 feature map leaves nothing');
  });
});

describe('the shapes the checks derive are the ones the builders build', () => {
  const scenarios = {
    'split task-IL': { type: 'split', incremental: 'task', tasks: 3, classesPerTask: 3 },
    'split class-IL': { type: 'split', incremental: 'class', tasks: 2, classesPerTask: 4 },
    'permuted domain-IL': { type: 'permuted', incremental: 'domain', tasks: 3 },
    'rotated task-IL': { type: 'rotated', incremental: 'task', tasks: 3, maxDegrees: 90 },
  } as const;
  const networks: Record<string, NetworkInput> = {
    mlp: { layers: [{ type: 'dense', units: 12 }, { type: 'dropout', rate: 0.5 }, { type: 'dense', units: 7 }] },
    conv: { layers: [{ type: 'conv2d', filters: 3, kernelSize: 5, padding: 'valid', pool: 2 }, { type: 'conv2d', filters: 4, pool: 3 }, { type: 'dense', units: 7 }] },
  };
  const build = (s: ReturnType<typeof suite>) => buildScenario(loadEmbeddedMnist(), s.scenario, {
    seed: 0, ordering: [], validationFraction: s.training.validationFraction, image: usesImages(s.network), limit: s.dataset.limit,
  });

  for (const [name, scenario] of Object.entries(scenarios)) {
    it(`scenario ${name}: tasks, classes, heads, input shape and samples per task`, () => {
      const s = suite({ scenario, dataset: { name: 'mnist', limit: 40 } }), facts = datasetFacts(s.dataset);
      const layout = scenarioOf(s, facts), rows = taskRows(s, facts), built = build(s);
      expect(layout.inputShape).toEqual(built.inputShape);
      expect(layout.headOutputs).toEqual(built.headOutputs);
      expect(layout.tasks.map((t) => [t.name, t.classes])).toEqual(built.tasks.map((t) => [t.name, t.classes]));
      for (const [k, t] of built.tasks.entries()) {
        expect(t.train.n + t.validation.n).toBe(rows[k].train);
        expect(t.validation.n).toBe(validationCount(rows[k].train, s.training.validationFraction));
        if (layout.tasks[k].wholePools) expect(t.test.n).toBe(rows[k].test);
        else expect(t.test.n).toBeLessThanOrEqual(rows[k].test); // a split task is charged the whole test set
      }
    });
  }

  for (const [name, network] of Object.entries(networks)) {
    it(`network ${name} over 3 task heads: weight, activation and head shapes, parameter count`, async () => {
      await initBackend('cpu');
      const s = suite({ network, scenario: scenarios['split task-IL'] }), layout = networkOf(s, datasetFacts(s.dataset)), scenario = build(s);
      const net = buildNetwork(s.network, scenario.inputShape, scenario.headOutputs, new Rng('t'));
      expect(layout.layers.map((l) => [l.weightShape, l.units])).toEqual(net.layers.map((l) => [l.W.shape, l.b.shape[0]]));
      expect(layout.heads).toEqual(net.heads.map((h) => h.W.shape));
      expect(layout.parameters).toBe(net.params().reduce((n, p) => n + p.variable.size, 0));
      const inputs = scenario.inputShape.reduce((a, b) => a * b, 1);
      const shapes = tf.tidy(() => {
        const { activations, features } = net.forward(tf.zeros([2, inputs]), 0);
        return { activations: activations.map((a) => a.shape.slice(1)), features: features.shape[1] };
      });
      expect(shapes).toEqual({ activations: layout.layers.map((l) => l.activationShape), features: layout.features });
      net.dispose();
    });
  }

  it('a built permuted scenario allocates its views, not a float32 copy per task', () => {
    const data = loadEmbeddedMnist(), s = suite({ scenario: { type: 'permuted', incremental: 'domain', tasks: 10 }, dataset: { name: 'mnist' } });
    const before = process.memoryUsage().arrayBuffers;
    const built = build(s);
    const grown = process.memoryUsage().arrayBuffers - before;
    const { views } = dataBytesOf(s, datasetFacts(s.dataset));
    const floatCopies = 10 * (data.train.n + data.test.n) * 784 * 4; // the layout the checks used to assume (313 MB)
    expect(built.tasks.length).toBe(10);
    expect(grown).toBeLessThanOrEqual(views + 2 ** 20); // + transient validation shuffles
    expect(grown).toBeLessThan(floatCopies / 100);
  });
});
