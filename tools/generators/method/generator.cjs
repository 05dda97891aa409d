// @ts-check
/**
 * `nx g @clbench/tools:method NAME`: scaffold packages/methods/NAME (hook file, index, starter
 * test, package.json, tsconfig.json) from files/ and register it — root tsconfig reference,
 * the registry's dependency, tsconfig reference, import and METHODS entry, package-lock entries.
 * After the files are written, links node_modules/@clbench/method-NAME (what `npm install`
 * does for a workspace package) so that one build makes the method runnable; `--dry-run`
 * writes and links nothing.
 */
const { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync } = require('node:fs');
const { join, relative } = require('node:path');
const edits = require('./edits.cjs');

const FILES = join(__dirname, 'files');
const REGISTRY_DIR = 'packages/methods/registry';

/** @param {string} text @param {Record<string, string>} vars */
const render = (text, vars) => text.replace(/<%= (\w+) %>/g, (_, k) => {
  if (!(k in vars)) throw new Error(`template variable "${k}" is not defined`);
  return vars[k];
});
/** A single-quoted TypeScript string body. @param {string} s */
const quote = (s) => s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\r?\n/g, ' ');

/** Template files under files/, as paths relative to it. @returns {string[]} */
function templates(dir = FILES) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? templates(join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]);
}

/**
 * @param {{ read(p: string, enc: 'utf-8'): string | null, write(p: string, c: string): void, exists(p: string): boolean, root: string }} tree
 * @param {{ name: string, supports?: string, paper?: string, summary?: string, link?: boolean }} options
 */
async function methodGenerator(tree, options) {
  const name = options.name;
  const dir = `packages/methods/${name}`;
  const registryTs = edits.REGISTRY_TS;
  const registryText = tree.exists(registryTs) ? tree.read(registryTs, 'utf-8') : null;
  edits.checkName(name, { dirExists: tree.exists(dir), registryText });
  if (registryText === null) throw new Error(`${registryTs} not found: run the generator at the workspace root`);
  const supports = edits.parseSupports(options.supports ?? 'task,domain,class');

  const vars = {
    name, id: edits.identifierOf(name), Class: edits.classNameOf(name),
    paper: quote(options.paper ?? `(scaffold) the paper ${name} implements: title, authors, year, arXiv id`),
    summary: quote(options.summary ?? 'λ/2·Σ(θ−θ*)² towards the previous task\'s parameters (scaffold: write your formula)'),
    supports: supports.map((s) => `'${s}'`).join(', '),
    incremental: supports[0],
  };
  for (const file of templates()) {
    const target = `${dir}/${file.replace(/__name__/g, name).replace(/\.template$/, '')}`;
    tree.write(target, render(readFileSync(join(FILES, file), 'utf8'), vars));
  }

  /** @param {string} path @param {(json: any) => unknown} fn */
  const updateJson = (path, fn) => {
    const text = tree.read(path, 'utf-8');
    if (text === null) throw new Error(`${path} not found`);
    tree.write(path, `${JSON.stringify(fn(JSON.parse(text)), null, 2)}\n`);
  };
  const pkg = JSON.parse(tree.read(`${dir}/package.json`, 'utf-8') ?? '{}');
  updateJson('tsconfig.json', (j) => edits.addReference(j, dir, REGISTRY_DIR));
  updateJson(`${REGISTRY_DIR}/package.json`, (j) => edits.addDependency(j, pkg.name));
  updateJson(`${REGISTRY_DIR}/tsconfig.json`, (j) => edits.addReference(j, `../${name}`));
  tree.write(registryTs, edits.addToRegistry(registryText, name));
  if (tree.exists('package-lock.json')) updateJson('package-lock.json', (j) => edits.addToLock(j, { dir, pkg, registryDir: REGISTRY_DIR }));

  return () => {
    if (options.link !== false) linkPackage(tree.root, pkg.name, dir);
    const steps = [
      ['npm run schema', 'build everything, refresh benchmarks/suite.schema.json'],
      [`npx vitest run ${dir}`, 'the starter tests'],
      ['npx clbench methods', 'lists it; a suite can now name it'],
    ];
    const width = Math.max(...steps.map(([c]) => c.length));
    console.log([
      '',
      `Method "${name}" is registered. Next:`,
      ...steps.map(([c, why]) => `  ${c.padEnd(width)}  # ${why}`),
      `Then write the method in ${dir}/src/${name}.ts (guide: docs/adding-a-method.md).`,
    ].join('\n'));
  };
}

/** node_modules/<pkg> → the package folder, as npm links a workspace package. @param {string} root @param {string} pkgName @param {string} dir */
function linkPackage(root, pkgName, dir) {
  const link = join(root, 'node_modules', pkgName);
  if (!existsSync(join(root, 'node_modules'))) { console.log(`(no node_modules yet: \`npm install\` links ${pkgName})`); return; }
  try { lstatSync(link); return; } catch { /* absent: create it */ }
  mkdirSync(join(link, '..'), { recursive: true });
  symlinkSync(relative(join(link, '..'), join(root, dir)), link, 'dir');
  console.log(`LINK ${relative(root, link)} -> ${dir}`);
}

module.exports = methodGenerator;
module.exports.default = methodGenerator;
module.exports.methodGenerator = methodGenerator;
