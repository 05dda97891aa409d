import { defineConfig } from 'vitest/config';

// One Vitest run over every package's tests (they sit beside the code as *.test.ts).
// Tests import packages by name, which resolves to their built dist/ (and the runner's pool and the
// CLI tests run built JS): every run first brings the build up to date (`tsc -b`, incremental), so
// `npx vitest run packages/core` after an edit tests the edit. Vitest does not type-check: `npm test`
// runs `tsc -p tsconfig.test.json` for the tests.
export default defineConfig({
  test: {
    include: ['packages/**/src/**/*.test.ts', 'tools/**/*.test.ts'],
    globalSetup: ['./tools/test/build-first.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', './tools/test/totals-reporter.ts'],
  },
});
