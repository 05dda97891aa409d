/**
 * CI test of the path "add a method": in a temporary copy of the workspace, run
 * `nx g @clbench/tools:method`, build, run the new method through `clbench run` on a tiny
 * suite and check the result file; the generator refuses a duplicate and an invalid name.
 * The copy shares third-party node_modules by symlink and links the workspace packages into
 * itself, as `npm ci` would; dist/ and *.tsbuildinfo are copied with their timestamps so that
 * `tsc -b` rebuilds only what the new method touches (~30 s on 2 cores).
 */
import { RunResultSchema } from '@clbench/core';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const NAME = 'ci-probe';
const DIR = `packages/methods/${NAME}`;

/** Folders of the workspace packages (root package.json `workspaces`: "a/*" or "a"). */
function workspaceDirs(root: string): string[] {
  const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  return workspaces.flatMap((w) => w.endsWith('/*')
    ? readdirSync(join(root, w.slice(0, -2)), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `${w.slice(0, -2)}/${e.name}`)
    : [w]).filter((d) => existsSync(join(root, d, 'package.json')));
}

/** node_modules/<name> → the package folder, relative, as npm links a workspace package. */
function linkWorkspace(root: string, dir: string): void {
  const { name } = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string };
  const link = join(root, 'node_modules', name);
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(relative(dirname(link), join(root, dir)), link, 'dir');
}

function copyWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'clbench-generator-'));
  for (const f of ['package.json', 'package-lock.json', 'nx.json', 'tsconfig.json', 'tsconfig.base.json', 'vitest.config.ts']) {
    cpSync(join(ROOT, f), join(dir, f), { preserveTimestamps: true });
  }
  const skip = /(^|\/)(node_modules|\.nx|results|reports)(\/|$)/;
  for (const d of ['packages', 'tools', 'benchmarks']) {
    cpSync(join(ROOT, d), join(dir, d), { recursive: true, preserveTimestamps: true, filter: (src) => !skip.test(relative(ROOT, src)) });
  }
  mkdirSync(join(dir, 'node_modules'));
  for (const e of readdirSync(join(ROOT, 'node_modules'))) {
    if (e === '@clbench' || (e.startsWith('.') && e !== '.bin')) continue; // workspace links are remade; caches stay out
    symlinkSync(join(ROOT, 'node_modules', e), join(dir, 'node_modules', e));
  }
  for (const ws of workspaceDirs(dir)) linkWorkspace(dir, ws);
  return dir;
}

let ws = '';
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1' };
const node = (args: string[]): SpawnSyncReturns<string> => spawnSync(process.execPath, args, { cwd: ws, env, encoding: 'utf8' });
const nxGenerate = (...args: string[]) => node([join(ws, 'node_modules/nx/dist/bin/nx.js'), 'g', '@clbench/tools:method', ...args, '--no-interactive']);
const clbench = (...args: string[]) => node([join(ws, 'packages/cli/dist/main.js'), ...args]);
const read = (p: string) => readFileSync(join(ws, p), 'utf8');
const out = (r: SpawnSyncReturns<string>) => `${r.stdout}\n${r.stderr}`;

type Entry = { name: string; label?: string; hyperparameters?: Record<string, unknown> };

/** A suite of tiny runs (one per method entry; default: the new method, λ 0.1): 30 samples per class, 2 tasks, hidden [8], 1 epoch, seed 0. */
function tinySuite(incremental: 'task' | 'class', methods: Entry[] = [{ name: NAME, hyperparameters: { lambda: 0.1 } }]): string {
  const file = join(ws, `tiny-${incremental}.json`);
  writeFileSync(file, JSON.stringify({
    name: `generator-ci-${incremental}`, dataset: { name: 'mnist', limit: 30 },
    scenario: { type: 'split', incremental, tasks: 2, classesPerTask: 2 },
    network: { layers: [{ type: 'dense', units: 8 }] }, training: { optimizer: 'adam', lr: 0.01, epochs: 1, batchSize: 16 },
    methods, seeds: [0], orderings: { explicit: [[0, 1]] },
  }));
  return file;
}

beforeAll(() => { ws = copyWorkspace(); });
afterAll(() => { if (ws) rmSync(ws, { recursive: true, force: true }); });

describe(`nx g @clbench/tools:method ${NAME} in a copy of the workspace`, () => {
  it('writes the package and registers it (root tsconfig, registry package.json, tsconfig and registry.ts, lock file, node_modules link)', () => {
    const r = nxGenerate(NAME, '--supports', 'task,domain');
    expect(r.status, out(r)).toBe(0);
    for (const f of ['package.json', 'tsconfig.json', 'src/index.ts', `src/${NAME}.ts`, `src/${NAME}.test.ts`]) {
      expect(out(r)).toContain(`CREATE ${DIR}/${f}`);
      expect(existsSync(join(ws, DIR, f))).toBe(true);
    }
    expect(out(r)).toContain('npm run schema');                                   // says what to run next
    expect(read(`${DIR}/src/${NAME}.ts`)).toContain("supports: ['task', 'domain'],");
    expect(read('packages/methods/registry/src/registry.ts')).toContain(`import { ciProbe } from '@clbench/method-${NAME}';`);
    expect(read('packages/methods/registry/src/registry.ts')).toContain(`  '${NAME}': ciProbe,\n} satisfies`);
    expect(JSON.parse(read('packages/methods/registry/package.json')).dependencies[`@clbench/method-${NAME}`]).toBe('*');
    expect(JSON.parse(read('packages/methods/registry/tsconfig.json')).references).toContainEqual({ path: `../${NAME}` });
    expect(JSON.parse(read('tsconfig.json')).references).toContainEqual({ path: DIR });
    const lock = JSON.parse(read('package-lock.json')).packages;
    expect(lock[`node_modules/@clbench/method-${NAME}`]).toEqual({ resolved: DIR, link: true });
    expect(lock[DIR].name).toBe(`@clbench/method-${NAME}`);
    expect(existsSync(join(ws, `node_modules/@clbench/method-${NAME}/package.json`))).toBe(true);
  });

  it('refuses a duplicate and an invalid name with one clear line, writing nothing', () => {
    const registry = read('packages/methods/registry/src/registry.ts'), lock = read('package-lock.json');
    const dup = nxGenerate(NAME);
    expect(dup.status).not.toBe(0);
    expect(out(dup)).toContain(`method name "${NAME}": packages/methods/${NAME} already exists`);
    const bad = nxGenerate('Ci_Probe');
    expect(bad.status).not.toBe(0);
    expect(out(bad)).toMatch(/method name "Ci_Probe": use kebab-case/);
    const taken = nxGenerate('l2');
    expect(taken.status).not.toBe(0);
    expect(out(taken)).toMatch(/method name "l2": (packages\/methods\/l2 already exists|already registered)/);
    expect(read('packages/methods/registry/src/registry.ts')).toBe(registry);
    expect(read('package-lock.json')).toBe(lock);
  });

  it('builds (tsc -b); its sources, starter test included, type-check', () => {
    const build = node([join(ws, 'node_modules/typescript/bin/tsc'), '-b']);
    expect(build.status, out(build)).toBe(0);
    expect(existsSync(join(ws, DIR, 'dist/index.js'))).toBe(true);
    writeFileSync(join(ws, DIR, 'tsconfig.check.json'), JSON.stringify({
      extends: './tsconfig.json', compilerOptions: { noEmit: true, composite: false, declaration: false, declarationMap: false }, include: ['src'], exclude: [],
    }));
    const check = node([join(ws, 'node_modules/typescript/bin/tsc'), '-p', join(ws, DIR, 'tsconfig.check.json')]);
    expect(check.status, out(check)).toBe(0);
  });

  it('clbench methods lists it; clbench run runs it into zod-valid result files, its penalty acting from task 1 (against naive, same seed)', () => {
    const list = clbench('methods', '--json');
    expect(list.status, out(list)).toBe(0);
    const entry = (JSON.parse(list.stdout) as { name: string; supports: string[] }[]).find((m) => m.name === NAME);
    expect(entry?.supports).toEqual(['task', 'domain']);

    const results = join(ws, 'results');
    const suite = tinySuite('task', [{ name: NAME, hyperparameters: { lambda: 0.1 } }, { name: 'naive' }, { name: NAME, label: `${NAME}-zero`, hyperparameters: { lambda: 0 } }]);
    const run = clbench('run', suite, '--out', results, '--workers', '1', '--backend', 'wasm', '--quiet');
    expect(run.status, out(run)).toBe(0);
    const files = readdirSync(join(results, 'runs')).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(3);
    const byLabel = new Map(files.map((f) => {
      const r = RunResultSchema.parse(JSON.parse(readFileSync(join(results, 'runs', f), 'utf8')));
      if (r.status !== 'ok') throw new Error(`run ${r.label} failed: ${r.error}`);
      return [r.label, r] as const;
    }));
    const probe = byLabel.get(NAME)!, naive = byLabel.get('naive')!, zero = byLabel.get(`${NAME}-zero`)!;
    expect(probe.method).toBe(NAME);
    expect(probe.hyperparameters).toEqual({ lambda: 0.1 });
    expect(probe.accuracyMatrix[0][0]).toBeGreaterThan(0.6);                   // digits 0 vs 1 learnt
    // Seed 0 for all three: the same initial weights and batches. The scaffolded penalty λ/2·Σ(θ−θ*)² is null until
    // task 0 sets θ*, so row 0 is naive's bit for bit; in task 1 it pulls towards θ*, so row 1 is not naive's (test sets
    // of ~2000 digits: any change in the weights shows); at λ = 0 it adds exactly 0, the whole run is naive's.
    expect(probe.accuracyMatrix[0]).toEqual(naive.accuracyMatrix[0]);
    expect(probe.accuracyMatrix[1]).not.toEqual(naive.accuracyMatrix[1]);
    expect(zero.accuracyMatrix).toEqual(naive.accuracyMatrix);
  });

  it('a suite pairing it with a scenario it does not support (class-incremental) is rejected: exit 2, one line naming the field', () => {
    const suite = tinySuite('class');
    const r = clbench('run', suite, '--out', join(ws, 'results-class'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `clbench: ${suite}: methods[0].name: method "${NAME}" does not support class-incremental scenarios (supports: task, domain)`,
    ]);
  });

  it('its starter tests pass, run by Nx (nx run-many -t build test)', () => {
    const r = node([join(ws, 'node_modules/nx/dist/bin/nx.js'), 'run-many', '-t', 'build', 'test', `--projects=@clbench/method-${NAME}`, '--outputStyle=static']);
    expect(r.status, out(r)).toBe(0);
    expect(out(r)).toMatch(/Tests\s+2 passed/);
  });
});
