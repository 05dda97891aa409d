#!/usr/bin/env node
/**
 * The `clbench` command as npm links it (node_modules/.bin/clbench). This file is committed,
 * so `npm ci` on a fresh clone finds the bin target and makes the link (the built CLI,
 * ../dist/main.js, does not exist at install time); it runs the built CLI.
 */
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('clbench: the CLI is not built yet (packages/cli/dist/main.js is missing): run `npm run build` first');
  process.exit(2);
}
await import(main.href);
