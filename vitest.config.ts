import { defineConfig } from 'vitest/config';

// One Vitest run over every package's tests (they sit beside the code as *.test.ts).
// Tests import packages by name, which resolves to their built dist/: `npm test` builds first.
export default defineConfig({
  test: {
    include: ['packages/**/src/**/*.test.ts', 'tools/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', './tools/test/totals-reporter.ts'],
  },
});
