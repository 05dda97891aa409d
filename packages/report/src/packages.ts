/** Where an installed npm package lives and its version (for inlined bundles and the environment block). */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export interface InstalledPackage { name: string; version: string; dir: string }

/** The package's root directory and version, or undefined when it cannot be resolved from here. */
export function installedPackage(name: string): InstalledPackage | undefined {
  let entry: string;
  try { entry = require.resolve(name); } catch { return undefined; }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === name) return { name, version: pkg.version ?? 'unknown', dir };
  }
  return undefined;
}

/** The text of a file inside an installed package; throws naming the package when it is missing. */
export function packageFile(name: string, path: string): string {
  const pkg = installedPackage(name);
  if (!pkg) throw new Error(`package ${name} is not installed (needed for ${path}); run npm ci`);
  return readFileSync(join(pkg.dir, path), 'utf8');
}
