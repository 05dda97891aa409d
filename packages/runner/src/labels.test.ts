/** Suite validation of report labels (issue 16): entries that would share a row must be one configuration. */
import type { SuiteInput } from '@clbench/core';
import { describe, expect, it } from 'vitest';
import { expandMatrix } from './matrix.js';
import { InputError } from './suite-file.js';
import { tinySuite } from './test-util.js';

const clnp = (hp: Record<string, unknown>, label?: string) => ({ name: 'clnp', ...(label ? { label } : {}), hyperparameters: { sparsity: 'weights', ...hp } });
const labelsOf = (methods: SuiteInput['methods']) => tinySuite({ methods }).methods.map((m) => m.label ?? m.name);

describe('method entries and their report labels', () => {
  it('two entries of one method with different hyper-parameters and no labels are refused, naming both', () => {
    const refuse = () => tinySuite({ methods: [{ name: 'naive' }, clnp({}), clnp({ alpha: 0.00001 })] });
    expect(refuse).toThrow(InputError);
    expect(refuse).toThrow('<suite>: methods[1] and methods[2] would both be reported as "clnp" but differ in hyperparameters.alpha (0.0001 vs 0.00001); give each a distinct "label"');
  });

  it('the same label written on two different methods is refused too', () => {
    expect(() => tinySuite({ methods: [{ name: 'naive', label: 'base' }, { name: 'joint', label: 'base' }] }))
      .toThrow('methods[0] and methods[1] would both be reported as "base" but differ in method (naive vs joint)');
  });

  it('distinct labels are accepted and kept', () => {
    expect(labelsOf([clnp({}), clnp({ alpha: 0.00001 }, 'clnp-weak-l1')])).toEqual(['clnp', 'clnp-weak-l1']);
  });

  it('grid points keep their own labels, beside a plain entry of the same method', () => {
    expect(labelsOf([clnp({ alpha: [0.1, 0.3] }), clnp({})])).toEqual(['clnp[alpha=0.1]', 'clnp[alpha=0.3]', 'clnp']);
  });

  it('an entry written twice is one configuration: not a label clash, but duplicate runs', () => {
    const suite = tinySuite({ methods: [clnp({ alpha: 0.1 }), clnp({ alpha: 0.1 })] });
    expect(() => expandMatrix(suite)).toThrow('duplicate runs');
  });
});
