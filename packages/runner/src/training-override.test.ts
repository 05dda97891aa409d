/**
 * A method entry's own `training` fields (e.g. Hsu et al.'s naive SGD row beside naive Adam):
 * they replace the suite's for that entry's runs only, survive grid expansion, and leave
 * every other run's config (hence its run id) as it was.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '@clbench/core';
import { expandMatrix } from './matrix.js';
import { parseSuite } from './suite-file.js';

const SUITE = {
  name: 'override',
  dataset: { name: 'mnist', source: 'embedded' },
  scenario: { type: 'split', incremental: 'task', tasks: 2, classesPerTask: 2 },
  network: { layers: [{ type: 'dense', units: 8 }] },
  training: { optimizer: 'adam', lr: 0.001, epochs: 4, batchSize: 128, validationFraction: 0.1 },
  methods: [
    { name: 'naive', label: 'naive-adam' },
    { name: 'naive', label: 'naive-sgd', training: { optimizer: 'sgd', lr: 0.01 } },
    { name: 'ewc', hyperparameters: { lambda: [1, 10] }, training: { epochs: 2 } },
  ],
  seeds: [0, 1],
};

describe('per-entry training override', () => {
  const suite = parseSuite(SUITE, 'override.json');
  const specs = expandMatrix(suite);
  const byLabel = (label: string) => specs.filter((s) => s.config.label === label);

  it('replaces only the fields it gives, for its own runs', () => {
    for (const s of byLabel('naive-adam')) expect(canonicalJson(s.config.training)).toBe(canonicalJson(suite.training));
    for (const s of byLabel('naive-sgd')) expect(s.config.training).toEqual({ ...suite.training, optimizer: 'sgd', lr: 0.01 });
    expect(byLabel('naive-sgd').map((s) => s.runId)).not.toEqual(byLabel('naive-adam').map((s) => s.runId));
  });

  it('carries over to every grid point of its entry', () => {
    for (const label of ['ewc[lambda=1]', 'ewc[lambda=10]']) {
      expect(byLabel(label)).toHaveLength(2);
      for (const s of byLabel(label)) expect(s.config.training).toEqual({ ...suite.training, epochs: 2 });
    }
  });

  it('takes only optimizer, lr, epochs and batchSize; a wrong field is one line naming it', () => {
    const bad = (training: unknown) => () => parseSuite({ ...SUITE, methods: [{ name: 'naive', training }] }, 'x.json');
    expect(bad({ validationFraction: 0.2 })).toThrow('x.json: methods[0].training: unknown field "validationFraction"');
    expect(bad({ optimizer: 'rmsprop' })).toThrow(/^x\.json: methods\[0\]\.training\.optimizer: /);
    expect(bad({ lr: -1 })).toThrow(/^x\.json: methods\[0\]\.training\.lr: /);
  });
});
