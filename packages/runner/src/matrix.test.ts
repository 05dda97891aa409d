/** Run ids of the seen-classes scenario option: recorded in the run config, and so in the id, only when set. */
import { canonicalJson, SuiteSchema } from '@clbench/core';
import { describe, expect, it } from 'vitest';
import { expandMatrix } from './matrix.js';

const suite = (scenario: Record<string, unknown>) => SuiteSchema.parse({
  name: 's', dataset: { name: 'mnist' }, scenario: { type: 'split', incremental: 'class', ...scenario },
  network: { layers: [{ type: 'dense', units: 4 }] }, methods: [{ name: 'naive' }],
});

describe('scenario.seenClassesOnly in the run config', () => {
  it('absent: the scenario recorded is the one every earlier run recorded (same canonical JSON, same id); set: recorded, a new id', () => {
    const [plain] = expandMatrix(suite({}));
    expect(canonicalJson(plain.config.scenario)).toBe('{"classesPerTask":2,"incremental":"class","tasks":5,"type":"split"}');
    const [masked] = expandMatrix(suite({ seenClassesOnly: true }));
    expect(masked.config.scenario).toMatchObject({ seenClassesOnly: true });
    expect(masked.runId).not.toBe(plain.runId);
    expect(expandMatrix(suite({}))[0].runId).toBe(plain.runId);
  });
});
