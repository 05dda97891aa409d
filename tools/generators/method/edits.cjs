// @ts-check
/**
 * The method generator's checks and edits, as pure functions of text and JSON (generator.cjs
 * applies them to the Nx tree; edits.test.ts tests them). Plain CommonJS: Nx 22 `require`s a
 * generator, and a local .ts generator would need ts-node or swc, which this workspace lacks.
 */

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SCENARIOS = ['task', 'domain', 'class'];
/** Directory and package names already taken, or that would read as something else. */
const RESERVED_NAMES = new Set(['registry', 'methods', 'method', 'core', 'data', 'runner', 'report', 'cli', 'tools', 'index', 'all', 'none', 'default', 'test', 'src', 'dist']);
/** ECMAScript reserved words (the method's export is named after it: l1-change → l1Change). */
const RESERVED_WORDS = new Set(('break case catch class const continue debugger default delete do else enum export extends false finally for ' +
  'function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static ' +
  'implements interface package private protected public await arguments eval undefined').split(' '));

/** l1-change → l1Change (the definition's export). @param {string} name */
function identifierOf(name) {
  return name.replace(/-([a-z0-9])/g, (_, /** @type {string} */ c) => c.toUpperCase());
}

/** l1-change → L1Change (the class implementing the hooks). @param {string} name */
function classNameOf(name) {
  const id = identifierOf(name);
  return id[0].toUpperCase() + id.slice(1);
}

/**
 * Throw a one-line error when `name` cannot be a new method.
 * @param {string} name
 * @param {{ dirExists: boolean, registryText: string | null }} workspace
 */
function checkName(name, workspace) {
  const refuse = (/** @type {string} */ why) => { throw new Error(`method name "${name}": ${why}`); };
  if (typeof name !== 'string' || !name) refuse('a name is required, e.g. `nx g @clbench/tools:method l1-change`');
  if (!KEBAB.test(name)) refuse('use kebab-case: lower-case letters and digits, words joined by "-", starting with a letter (e.g. l1-change)');
  if (name.length > 40) refuse('at most 40 characters');
  if (RESERVED_NAMES.has(name)) refuse(`reserved (${[...RESERVED_NAMES].join(', ')})`);
  const id = identifierOf(name);
  if (RESERVED_WORDS.has(id)) refuse(`its export "${id}" would be a JavaScript reserved word`);
  if (workspace.dirExists) refuse(`packages/methods/${name} already exists`);
  const reg = workspace.registryText;
  if (reg !== null) {
    if (registryKeys(reg).includes(name)) refuse(`already registered in ${REGISTRY_TS}`);
    if (new RegExp(`\\b${id}\\b`).test(reg)) refuse(`its export "${id}" is already an identifier in ${REGISTRY_TS}`);
  }
}

/** "task,domain" → ['task', 'domain'], in the canonical order; throws on anything else. @param {unknown} value */
function parseSupports(value) {
  const list = String(value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((s) => !SCENARIOS.includes(s));
  if (!list.length || bad.length) throw new Error(`--supports: expected a comma-separated list of ${SCENARIOS.join(', ')} (got "${value}")`);
  return SCENARIOS.filter((s) => list.includes(s));
}

const REGISTRY_TS = 'packages/methods/registry/src/registry.ts';
const OPEN = /^export const METHODS = \{\s*$/;
const CLOSE = /^\}( satisfies .*)?;\s*$/;

/** Keys of the METHODS map (shorthand `l2,` or quoted `'online-ewc': onlineEwc,`). @param {string} text */
function registryKeys(text) {
  const lines = text.split('\n');
  const open = lines.findIndex((l) => OPEN.test(l));
  if (open < 0) return [];
  const keys = [];
  for (let i = open + 1; i < lines.length && !CLOSE.test(lines[i]); i++) {
    const m = /^\s*(?:'([^']+)'|"([^"]+)"|([A-Za-z_$][\w$]*))\s*[:,]/.exec(lines[i]);
    if (m) keys.push(m[1] ?? m[2] ?? m[3]);
  }
  return keys;
}

/**
 * registry.ts with the method's import (sorted among the method imports) and its METHODS entry (last).
 * @param {string} text @param {string} name
 */
function addToRegistry(text, name) {
  const id = identifierOf(name), pkg = `@clbench/method-${name}`;
  const lines = text.split('\n');
  const open = lines.findIndex((l) => OPEN.test(l));
  const close = open < 0 ? -1 : lines.findIndex((l, i) => i > open && CLOSE.test(l));
  if (close < 0) throw new Error(`${REGISTRY_TS}: cannot find "export const METHODS = {" … "} satisfies …;" — add the import and the entry by hand`);
  const entry = id === name ? `  ${id},` : `  '${name}': ${id},`;
  lines.splice(close, 0, entry);

  const importLine = `import { ${id} } from '${pkg}';`;
  /** @type {[string, number][]} */
  const imports = lines.map((l, i) => /** @type {[string, number]} */ ([l, i])).filter(([l]) => /^import .* from '[^']+';\s*$/.test(l));
  if (!imports.length) throw new Error(`${REGISTRY_TS}: no import lines found — add the import by hand`);
  const methodImports = imports.filter(([l]) => /from '@clbench\/method-/.test(l));
  const moduleOf = (/** @type {string} */ l) => /from '([^']+)'/.exec(l)?.[1] ?? '';
  const after = methodImports.filter(([l]) => moduleOf(l) < pkg).at(-1) ?? (methodImports.length ? null : imports.at(-1));
  const at = after ? after[1] + 1 : methodImports[0][1];
  lines.splice(at, 0, importLine);
  return lines.join('\n');
}

/**
 * A tsconfig with one more project reference (inserted before `before` when present, else last).
 * @param {{ references?: { path: string }[] }} tsconfig @param {string} path @param {string} [before]
 */
function addReference(tsconfig, path, before) {
  const refs = tsconfig.references ?? [];
  if (refs.some((r) => r.path === path)) return tsconfig;
  const at = before ? refs.findIndex((r) => r.path === before) : -1;
  const next = [...refs];
  next.splice(at < 0 ? next.length : at, 0, { path });
  return { ...tsconfig, references: next };
}

// npm sorts lock-file keys with localeCompare('en') (string_decoder before string-width)
const sortKeys = (/** @type {Record<string, any>} */ o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b, 'en')));

/**
 * package.json (or a lock entry) with one more dependency: appended, or sorted as npm writes lock files.
 * @param {{ dependencies?: Record<string, string> }} pkg @param {string} name
 */
function addDependency(pkg, name, range = '*', sort = false) {
  const dependencies = { ...pkg.dependencies, [name]: range };
  return { ...pkg, dependencies: sort ? sortKeys(dependencies) : dependencies };
}

/**
 * package-lock.json as `npm install` would leave it for a new workspace package: its folder
 * entry, its node_modules link, and the registry's new dependency — so `npm ci` stays in sync.
 * @param {any} lock
 * @param {{ dir: string, pkg: any, registryDir: string }} add
 */
function addToLock(lock, { dir, pkg, registryDir }) {
  if (!lock || typeof lock.packages !== 'object') return lock;
  const { '': root, ...rest } = lock.packages;
  rest[`node_modules/${pkg.name}`] = { resolved: dir, link: true };
  /** @type {Record<string, unknown>} */
  const entry = { name: pkg.name, version: pkg.version };
  for (const k of ['dependencies', 'devDependencies']) if (pkg[k]) entry[k] = sortKeys(pkg[k]);
  rest[dir] = entry;
  if (rest[registryDir]) rest[registryDir] = addDependency(rest[registryDir], pkg.name, '*', true);
  return { ...lock, packages: { '': root, ...sortKeys(rest) } };
}

module.exports = {
  KEBAB, SCENARIOS, RESERVED_NAMES, REGISTRY_TS,
  identifierOf, classNameOf, checkName, parseSupports, registryKeys, addToRegistry, addReference, addDependency, addToLock,
};
