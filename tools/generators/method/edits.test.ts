/** The method generator's checks and edits on hand-made registry, tsconfig and lock-file texts. */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const edits = require('./edits.cjs');
const HERE = dirname(fileURLToPath(import.meta.url));

const REGISTRY = `/**
 * The explicit, typed registry of methods.
 */
import type { MethodDefinition } from '@clbench/core';
import { clnp } from '@clbench/method-clnp';
import { l2 } from '@clbench/method-l2';
import { onlineEwc } from '@clbench/method-online-ewc';

export const METHODS = {
  clnp,
  l2,
  'online-ewc': onlineEwc,
} satisfies Record<string, MethodDefinition<any>>;

export function getMethod(name: string): MethodDefinition<any> { return METHODS[name as keyof typeof METHODS]; }
`;
const fresh = { dirExists: false, registryText: REGISTRY };

describe('method names', () => {
  it('l1-change → export l1Change, class L1Change; si → si, Si', () => {
    expect([edits.identifierOf('l1-change'), edits.classNameOf('l1-change')]).toEqual(['l1Change', 'L1Change']);
    expect([edits.identifierOf('si'), edits.classNameOf('si')]).toEqual(['si', 'Si']);
  });

  it('accepts a new kebab-case name', () => {
    for (const n of ['l1-change', 'ewc2', 'a-b-c']) expect(() => edits.checkName(n, fresh)).not.toThrow();
  });

  const refusals: [string, Partial<typeof fresh>, RegExp][] = [
    ['L1Change', {}, /method name "L1Change": use kebab-case/],
    ['l1_change', {}, /use kebab-case/],
    ['1-change', {}, /use kebab-case/],
    ['l1--change', {}, /use kebab-case/],
    ['-x', {}, /use kebab-case/],
    ['', {}, /a name is required/],
    ['x'.repeat(41), {}, /at most 40 characters/],
    ['registry', {}, /reserved/],
    ['new', {}, /"new" would be a JavaScript reserved word/],
    ['get-method', {}, /"getMethod" is already an identifier in packages\/methods\/registry\/src\/registry\.ts/],
    ['l2', { dirExists: false }, /already registered in packages\/methods\/registry\/src\/registry\.ts/],
    ['online-ewc', {}, /already registered/],
    ['brand-new', { dirExists: true }, /packages\/methods\/brand-new already exists/],
  ];
  for (const [name, ws, why] of refusals) {
    it(`refuses ${JSON.stringify(name.length > 12 ? `${name.slice(0, 8)}…` : name)}: ${why.source.replace(/\\/g, '')}`, () => {
      expect(() => edits.checkName(name, { ...fresh, ...ws })).toThrow(why);
    });
  }

  it('--supports: a comma list of task, domain, class in canonical order; anything else is refused', () => {
    expect(edits.parseSupports('class, task')).toEqual(['task', 'class']);
    expect(edits.parseSupports('task,domain,class')).toEqual(['task', 'domain', 'class']);
    expect(() => edits.parseSupports('task,online')).toThrow(/--supports: expected .*task, domain, class.*"task,online"/);
    expect(() => edits.parseSupports('')).toThrow(/--supports/);
  });
});

describe('registry.ts edit', () => {
  it('reads the METHODS keys, shorthand and quoted', () => {
    expect(edits.registryKeys(REGISTRY)).toEqual(['clnp', 'l2', 'online-ewc']);
  });

  it('adds the import in sorted position and the entry last; the result lists the new key', () => {
    const out = edits.addToRegistry(REGISTRY, 'l1-change');
    const lines = out.split('\n');
    const imports = lines.filter((l: string) => l.startsWith("import { ") && l.includes('@clbench/method-'));
    expect(imports).toEqual([
      "import { clnp } from '@clbench/method-clnp';",
      "import { l1Change } from '@clbench/method-l1-change';",
      "import { l2 } from '@clbench/method-l2';",
      "import { onlineEwc } from '@clbench/method-online-ewc';",
    ]);
    expect(lines[lines.indexOf('} satisfies Record<string, MethodDefinition<any>>;') - 1]).toBe("  'l1-change': l1Change,");
    expect(edits.registryKeys(out)).toEqual(['clnp', 'l2', 'online-ewc', 'l1-change']);
    expect(out.split('\n').length).toBe(REGISTRY.split('\n').length + 2);
    expect(edits.addToRegistry(REGISTRY, 'zz').split('\n')).toContain('  zz,'); // a one-word name is shorthand
  });

  it('a registry without the METHODS map is an error saying what to do', () => {
    expect(() => edits.addToRegistry("import { a } from 'a';\nconst M = {};\n", 'x')).toThrow(/cannot find "export const METHODS = \{".*add the import and the entry by hand/);
  });
});

describe('JSON edits', () => {
  it('a tsconfig reference goes before the registry (root) or last (registry); never twice', () => {
    const root = { files: [], references: [{ path: 'packages/core' }, { path: 'packages/methods/registry' }] };
    const r1 = edits.addReference(root, 'packages/methods/x', 'packages/methods/registry');
    expect(r1.references.map((r: { path: string }) => r.path)).toEqual(['packages/core', 'packages/methods/x', 'packages/methods/registry']);
    expect(edits.addReference(r1, 'packages/methods/x', 'packages/methods/registry')).toEqual(r1);
    expect(edits.addReference({ references: [{ path: '../l2' }] }, '../x').references).toEqual([{ path: '../l2' }, { path: '../x' }]);
  });

  it('the lock file gains the folder entry, the link and the registry dependency, keys sorted as npm does', () => {
    const lock = {
      name: 'ws', lockfileVersion: 3, requires: true,
      packages: {
        '': { name: 'ws' },
        'node_modules/@clbench/method-l2': { resolved: 'packages/methods/l2', link: true },
        'node_modules/string_decoder': { version: '1.3.0' },
        'node_modules/string-width': { version: '4.2.3' },
        'packages/methods/registry': { name: '@clbench/methods', version: '0.1.0', dependencies: { '@clbench/method-l2': '*', zod: '^4.0.0' } },
      },
    };
    const pkg = { name: '@clbench/method-l1-change', version: '0.1.0', dependencies: { zod: '^4.0.0', '@clbench/core': '*' }, devDependencies: { '@clbench/data': '*' } };
    const out = edits.addToLock(lock, { dir: 'packages/methods/l1-change', pkg, registryDir: 'packages/methods/registry' });
    expect(Object.keys(out.packages)).toEqual(['', 'node_modules/@clbench/method-l1-change', 'node_modules/@clbench/method-l2',
      'node_modules/string_decoder', 'node_modules/string-width', 'packages/methods/l1-change', 'packages/methods/registry']);
    expect(out.packages['node_modules/@clbench/method-l1-change']).toEqual({ resolved: 'packages/methods/l1-change', link: true });
    expect(JSON.stringify(out.packages['packages/methods/l1-change'])).toBe(JSON.stringify({
      name: '@clbench/method-l1-change', version: '0.1.0', dependencies: { '@clbench/core': '*', zod: '^4.0.0' }, devDependencies: { '@clbench/data': '*' },
    }));
    expect(Object.keys(out.packages['packages/methods/registry'].dependencies)).toEqual(['@clbench/method-l1-change', '@clbench/method-l2', 'zod']);
  });
});

it('the generator\'s plain-JS sources type-check (// @ts-check, strict)', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '--ignoreConfig', '--noEmit', '--allowJs', '--checkJs', '--strict', '--module', 'nodenext',
    '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', join(HERE, 'generator.cjs'), join(HERE, 'edits.cjs')], { encoding: 'utf8' });
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
});
