/**
 * The docs quote committed reports, never numbers typed by hand: every "mean ± spread" in
 * README.md and REPRODUCTIONS.md (two or more decimals) must appear in a committed report's
 * summary.md under reports/, or be a published mean ± std carried by a reproduction suite.
 * It checks that each number exists in a source, not which row it belongs to; a typo, a
 * stale number after a regenerated report, or a number from an uncommitted run fails it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (...p: string[]) => readFileSync(join(ROOT, ...p), 'utf8').replace(/\u2212/g, '-'); // − and - alike
const PAIR = /-?\d+\.\d{2,} ± \d+\.\d{2,}/g;

/** Text the docs may quote: every committed summary.md, and each suite's published mean ± std. */
function sources(): string {
  const texts: string[] = [];
  for (const dir of readdirSync(join(ROOT, 'reports'))) {
    if (existsSync(join(ROOT, 'reports', dir, 'summary.md'))) texts.push(read('reports', dir, 'summary.md'));
  }
  for (const file of readdirSync(join(ROOT, 'benchmarks', 'reproductions'))) {
    const suite = JSON.parse(read('benchmarks', 'reproductions', file)) as { published?: { methods: Record<string, { mean: number; std?: number }> } };
    for (const row of Object.values(suite.published?.methods ?? {})) {
      if (row.std !== undefined) texts.push(`${row.mean.toFixed(2)} ± ${row.std.toFixed(2)}`);
    }
  }
  return texts.join('\n');
}

describe('numbers in the docs', () => {
  const all = sources();
  for (const doc of ['README.md', 'REPRODUCTIONS.md']) {
    it(`every mean ± spread in ${doc} comes from a committed report or a published block`, () => {
      const quoted = [...read(doc).matchAll(PAIR)].map((m) => m[0]);
      expect(quoted.length).toBeGreaterThan(10);
      expect(quoted.filter((q) => !all.includes(q))).toEqual([]);
    });
  }
});
