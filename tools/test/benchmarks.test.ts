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
