/**
 * Vitest global setup: `tsc -b` over the workspace before any test runs.
 *
 * Tests import the packages by name, which resolves to their built dist/ (package.json
 * `exports`); the runner's pool starts dist/worker.js and the CLI tests spawn dist/main.js.
 * Without this, `npx vitest run packages/core` (or a package's `npm test`) after an edit would
 * silently test the previous build. `tsc -b` is incremental: nothing to do takes a few seconds;
 * after an edit it rebuilds the edited package and those that depend on it. A compile error
 * stops the run with tsc's messages (testing the stale build instead would hide it).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export default function buildFirst(): void {
  const tsc = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [tsc, '-b', join(ROOT, 'tsconfig.json')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`tsc -b tsconfig.json failed (exit ${r.status ?? r.signal}): the tests would run against a stale build\n${r.stdout}${r.stderr}${r.error ? String(r.error) : ''}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  if (seconds > 10) console.log(`build-first: tsc -b tsconfig.json took ${seconds.toFixed(0)} s`);
}
