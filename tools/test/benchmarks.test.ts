/** Every suite in benchmarks/ parses with the zod schema, and suite.schema.json is what the generator emits. */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SuiteSchema } from '@clbench/core';
import { methodNames } from '@clbench/methods';
import { loadSuite, parseSuite } from '@clbench/runner';
import { describe, expect, it } from 'vitest';
// @ts-expect-error — a plain ESM script without type declarations
import { SCHEMA_FILE, schemaText } from '../scripts/suite-schema.mjs';

const BENCH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'benchmarks');
const NOT_SUITES = new Set(['suite.schema.json', 'targets.json']);
const suiteFiles = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? suiteFiles(join(dir, e.name)) : e.name.endsWith('.json') && !NOT_SUITES.has(e.name) ? [join(dir, e.name)] : []);
const files = suiteFiles(BENCH);

describe('benchmarks/*.json', () => {
  it('holds the suites the project promises', () => {
    const names = files.map((f) => relative(BENCH, f));
    for (const n of ['split-mnist.json', 'split-mnist-class.json', 'permuted-mnist.json', 'rotated-mnist.json', 'split-fashion-mnist.json', 'paper-permuted-mnist.json', 'paper-split-cifar.json']) expect(names).toContain(n);
    for (const n of ['hsu2018-split-mnist-task', 'hsu2018-split-mnist-domain', 'hsu2018-split-mnist-class', 'clnp-permuted-mnist', 'clnp-permuted-mnist-reduced', 'split-fashion-mnist-full']) expect(names).toContain(`reproductions/${n}.json`);
  });

  for (const file of files) {
    const rel = relative(BENCH, file);
    it(`${rel}: valid suite, named after its file, $schema pointing at suite.schema.json`, () => {
      const suite = loadSuite(file);
      const json = JSON.parse(readFileSync(file, 'utf8'));
      expect(join(dirname(file), json.$schema)).toBe(SCHEMA_FILE);
      expect(suite.name).toBe(rel.startsWith('ci/') ? `ci-${basename(rel, '.json')}` : basename(rel, '.json'));
    });
  }

  it('the zod schema rejects a suite with an unknown field, naming it', () => {
    const json = JSON.parse(readFileSync(join(BENCH, 'split-mnist.json'), 'utf8'));
    expect(() => parseSuite({ ...json, traning: {} }, 'x.json')).toThrow(/x\.json: unknown field "traning"/);
  });

  it('a published number must name a method label of the suite; a bad row names its field', () => {
    const json = JSON.parse(readFileSync(join(BENCH, 'reproductions', 'hsu2018-split-mnist-task.json'), 'utf8'));
    const methods = { ...json.published.methods, 'naive-adagrad': { mean: 90 } };
    expect(() => parseSuite({ ...json, published: { ...json.published, methods } }, 'x.json')).toThrow(/^x\.json: published\.methods\.naive-adagrad: no method entry has the label "naive-adagrad"/);
    const badStd = { ...json.published.methods, ewc: { mean: 97.7, std: -1 } };
    expect(() => parseSuite({ ...json, published: { ...json.published, methods: badStd } }, 'x.json')).toThrow(/^x\.json: published\.methods\.ewc\.std: /);
    expect(() => parseSuite({ ...json, published: { ...json.published, citation: { ...json.published.citation, year: undefined } } }, 'x.json')).toThrow(/^x\.json: published\.citation\.year: /);
  });

  it('Hsu et al. 2018 reproductions: their protocol and λ (REFERENCE.md; ×2 where our penalty has a ½), their numbers', () => {
    // reg_coef from GT-RIPL/Continual-Learning-Benchmark scripts/split_MNIST_incremental_{task,domain,class}.sh
    const reg = { task: { l2: 0.01, ewc: 100, 'online-ewc': 400, si: 300, mas: 1 }, domain: { l2: 0.5, ewc: 100, 'online-ewc': 700, si: 3000, mas: 10000 }, class: { l2: 100, ewc: 600, 'online-ewc': 100, si: 600, mas: 1 } };
    const halfInOurs = new Set(['l2', 'ewc', 'online-ewc']);
    for (const [scenario, coef] of Object.entries(reg)) {
      const s = loadSuite(join(BENCH, 'reproductions', `hsu2018-split-mnist-${scenario}.json`));
      expect([s.dataset.source, s.scenario.type, s.scenario.incremental, s.scenario.tasks, s.training.optimizer, s.training.lr, s.training.batchSize, s.training.epochs]).toEqual(['full', 'split', scenario, 5, 'adam', 1e-3, 128, 4]);
      expect(s.network.layers).toEqual([{ type: 'dense', units: 400 }, { type: 'dense', units: 400 }]);
      expect(s.seeds.length).toBeGreaterThanOrEqual(5);
      for (const [name, c] of Object.entries(coef)) {
        const m = s.methods.find((e) => e.name === name)!;
        expect(m.hyperparameters[name === 'si' ? 'c' : 'lambda'], `${scenario} ${name}`).toBeCloseTo(halfInOurs.has(name) ? 2 * c : c, 12);
      }
      expect(s.methods.find((e) => e.label === 'naive-sgd')!.training).toEqual({ optimizer: 'sgd', lr: 0.01 });
      expect(Object.keys(s.published!.methods).sort()).toEqual(['ewc', 'joint', 'l2', 'mas', 'naive-adam', 'naive-sgd', 'online-ewc', 'si']);
      expect(Object.values(s.published!.methods).every((r) => r.runs === 10 && r.std !== undefined)).toBe(true);
    }
    const task = loadSuite(join(BENCH, 'reproductions', 'hsu2018-split-mnist-task.json'));
    expect(task.published!.methods['naive-adam']).toMatchObject({ mean: 93.46, std: 2.01 });
    expect(task.published!.methods.mas).toMatchObject({ mean: 99.22, std: 0.21 });
  });

  it('Hsu task-IL ablations: each adds only what its description names to the one before', () => {
    const load = (n: string) => loadSuite(join(BENCH, 'reproductions', `${n}.json`));
    const inputs = load('hsu2018-split-mnist-task-code-inputs'), init = load('hsu2018-split-mnist-task-code-inputs-init');
    const rest = (s: typeof init) => ({ ...s, name: '', description: '', network: { ...s.network, init: undefined } });
    expect(rest(init)).toEqual(rest(inputs));
    expect([inputs.network.init, init.network.init]).toEqual([undefined, 'pytorch']);
  });

  // scenario → the rows its ablation leaves out (within the published spread, or joint at 3× the cost)
  for (const [scenario, left] of [['domain', ['l2', 'joint']], ['class', ['ewc', 'online-ewc', 'si', 'mas', 'joint']]] as const) {
    it(`Hsu ${scenario}-IL ablation: the ${scenario} suite plus their code's choices and inputs, the methods in question, nothing else`, () => {
      const load = (n: string) => loadSuite(join(BENCH, 'reproductions', `${n}.json`));
      const base = load(`hsu2018-split-mnist-${scenario}`), ablation = load(`hsu2018-split-mnist-${scenario}-code-inputs`);
      expect(ablation.dataset).toEqual({ ...base.dataset, pad: 2, normalize: { mean: 0.1, std: 0.2752 } });
      expect(ablation.training).toEqual({ ...base.training, validationFraction: 0, optimizerState: 'carried', adamEpsilon: 1e-8 });
      const argmax = (m: (typeof base.methods)[number]) => (m.name === 'ewc' || m.name === 'online-ewc' ? { ...m, hyperparameters: { ...m.hyperparameters, fisher: 'argmax' } } : m);
      const kept = base.methods.filter((m) => !(left as readonly string[]).includes(m.label ?? m.name)).map(argmax);
      expect(ablation.methods).toEqual(kept);
      for (const [label, row] of Object.entries(ablation.published!.methods)) expect(row).toEqual(base.published!.methods[label]);
      expect([ablation.scenario, ablation.network, ablation.seeds]).toEqual([base.scenario, base.network, base.seeds]);
    });
  }

  it('CLNP permuted MNIST: the reduced CPU suite differs from the paper-scale one only in width, epochs and its texts', () => {
    const full = loadSuite(join(BENCH, 'reproductions', 'clnp-permuted-mnist.json'));
    const reduced = loadSuite(join(BENCH, 'reproductions', 'clnp-permuted-mnist-reduced.json'));
    expect(full.network.layers).toEqual([{ type: 'dense', units: 2000 }, { type: 'dense', units: 2000 }]);
    expect([full.scenario.type, full.scenario.incremental, full.scenario.tasks, full.training.optimizer, full.training.batchSize, full.training.epochs]).toEqual(['permuted', 'task', 10, 'adam', 256, 20]);
    expect(full.published!.methods.clnp).toMatchObject({ mean: 98.42, std: 0.04 });
    const comparable = (s: typeof full) => ({ ...s, name: '', description: '', network: null, training: { ...s.training, epochs: 0 }, published: { ...s.published!, conversions: '' } });
    expect(comparable(reduced)).toEqual(comparable(full));
    expect([reduced.network.layers, reduced.training.epochs]).toEqual([[{ type: 'dense', units: 400 }, { type: 'dense', units: 400 }], 2]);
    // the paper's single-task reference row is a method of the suite, with its published number
    expect(full.methods.map((m) => m.name)).toContain('single-task');
    expect(full.published!.methods['single-task']).toMatchObject({ mean: 98.48, std: 0.05 });
  });

  it('paper-scale suites use the papers\' settings (REFERENCE.md)', () => {
    const p = loadSuite(join(BENCH, 'paper-permuted-mnist.json'));
    expect(p.network.layers).toEqual([{ type: 'dense', units: 2000 }, { type: 'dense', units: 2000 }]);
    expect([p.scenario.type, p.scenario.tasks, p.training.epochs, p.training.optimizer, p.training.lr, p.training.batchSize]).toEqual(['permuted', 10, 20, 'adam', 1e-3, 256]);
    const c = loadSuite(join(BENCH, 'paper-split-cifar.json'));
    expect([c.dataset.name, c.scenario.type, c.scenario.tasks, c.training.epochs, c.training.batchSize]).toEqual(['cifar10-100', 'split-cifar', 6, 60, 256]);
    expect(c.network.layers.map((l) => (l.type === 'conv2d' ? `c${l.filters}${l.pool > 1 ? 'p' : ''}` : l.type === 'dense' ? `d${l.units}` : 'x'))).toEqual(['c32', 'c32p', 'x', 'c64', 'c64p', 'x', 'd512', 'x']);
  });
});

describe('benchmarks/suite.schema.json', () => {
  it('is up to date with the zod schema and the method registry (regenerate: npm run schema)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8') === schemaText(), 'benchmarks/suite.schema.json is stale: run `npm run schema`').toBe(true);
  });

  it('describes the suite fields, the method names and each method\'s hyper-parameters', () => {
    const s = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
    expect(Object.keys(s.properties).sort()).toEqual(Object.keys(SuiteSchema.shape).sort());
    expect(s.required).toEqual(expect.arrayContaining(['name', 'dataset', 'scenario', 'network', 'methods']));
    expect(s.required).not.toContain('training'); // has a default, so optional for the user
    const item = s.properties.methods.items;
    expect(item.properties.name.enum).toEqual(methodNames);
    expect(item.allOf.map((c: any) => c.if.properties.name.const)).toEqual(methodNames);
    expect(s.properties.dataset.properties.name.enum).toContain('fashion-mnist');
  });
});
