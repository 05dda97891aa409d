/** The registry's checks of a suite's method entries: known name, supported scenario, valid hyper-parameters. */
import { describe, expect, it } from 'vitest';
import { getMethod, METHODS, methodNames } from './registry.js';
import { resolveHyperparameters } from './validate.js';

describe('resolveHyperparameters', () => {
  it('fills in the method\'s defaults', () => {
    expect(resolveHyperparameters('naive', {}, 'task', 'methods[0]')).toEqual({});
    expect(resolveHyperparameters('l2', {}, 'domain', 'methods[0]')).toEqual(METHODS.l2.hyperparameters.parse({}));
  });

  it('an unknown name is an error naming the field and listing every registered method', () => {
    expect(() => resolveHyperparameters('nope', {}, 'task', 'methods[2]')).toThrow(`methods[2].name: unknown method "nope" (known: ${methodNames.join(', ')})`);
  });

  it('a method paired with a scenario it does not support is rejected, saying which it supports', () => {
    const unsupported = methodNames.flatMap((n) => (['task', 'domain', 'class'] as const).filter((s) => !getMethod(n).supports.includes(s)).map((s) => [n, s] as const));
    expect(unsupported).toContainEqual(['clnp', 'class']); // CLNP is task-incremental only (one head per task)
    for (const [name, scenario] of unsupported) {
      expect(() => resolveHyperparameters(name, {}, scenario, 'methods[1]'))
        .toThrow(`methods[1].name: method "${name}" does not support ${scenario}-incremental scenarios (supports: ${getMethod(name).supports.join(', ')})`);
    }
  });

  it('an unknown or ill-typed hyper-parameter names the field', () => {
    expect(() => resolveHyperparameters('naive', { lambda: 1 }, 'task', 'methods[0]')).toThrow('methods[0].hyperparameters: unknown hyper-parameter "lambda" for method "naive"');
    expect(() => resolveHyperparameters('l2', { lambda: 'big' }, 'task', 'methods[0]')).toThrow(/^methods\[0\]\.hyperparameters\.lambda: .*number/);
  });
});
