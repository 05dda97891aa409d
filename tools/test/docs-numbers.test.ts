/**
 * The docs quote committed reports, never numbers typed by hand, and each at the code version
 * the text says it is from.
 *
 * Convention (README.md, REPRODUCTIONS.md): every "mean ± spread" (two or more decimals) is from
 * the code version named by the nearest preceding mention of "code version X.Y.Z" in the same
 * file (a heading, a table caption or a sentence; "code version clbench-X.Y.Z" counts too;
 * case-insensitive; a line break may stand for a space). The number must appear in the
 * summary.md of a committed report under reports/ whose runs are all of that version (its
 * environment block says "| code versions | clbench-X.Y.Z |"; a report mixing versions backs
 * no version), or be a published mean ± std carried by a reproduction suite (those hold at
 * any version). A number with no version named before it fails, and so does one quoted under
 * the wrong version.
 * Mention an older version in passing without the words "code version" (e.g. "under 0.4.0"),
 * or name the version again before the next number.
 * It checks that each number exists in a report of that version, not which row it belongs to;
 * a typo, a stale number after a regenerated report, a number from an uncommitted run, or one
 * quoted under another version than its report's fails it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dash = (s: string) => s.replace(/\u2212/g, '-'); // − and - alike
const read = (...p: string[]) => dash(readFileSync(join(ROOT, ...p), 'utf8'));
const PAIR = /-?\d+\.\d{2,} ± \d+\.\d{2,}/g;
const VERSION = /code\s+version\s+(?:clbench-)?(\d+\.\d+\.\d+)/gi;

/** A report's summary.md text and the code versions its runs are of (from its environment block). */
export interface ReportText { name: string; versions: string[]; text: string }

export function reportVersions(summary: string): string[] {
  const line = /^\| code versions \| (.*) \|$/m.exec(summary);
  return line ? line[1].split(',').map((v) => v.trim().replace(/^clbench-/, '')) : [];
}

/** Each "mean ± spread" of `doc` with the code version named before it (undefined: none named). */
export function quotes(doc: string): { quote: string; version: string | undefined; line: number }[] {
  const marks = [...doc.matchAll(VERSION)].map((m) => ({ at: m.index!, version: m[1] }));
  return [...doc.matchAll(PAIR)].map((m) => ({
    quote: m[0],
    version: marks.filter((k) => k.at < m.index!).at(-1)?.version,
    line: doc.slice(0, m.index).split('\n').length,
  }));
}

/** The quotes of `doc` that no report of their version (nor a published block) holds, as "line N: quote (version)". */
export function unbacked(doc: string, reports: ReportText[], published: string[]): string[] {
  return quotes(doc).filter(({ quote, version }) => {
    if (published.includes(quote)) return false;
    if (!version) return true;
    return !reports.some((r) => r.versions.length === 1 && r.versions[0] === version && r.text.includes(quote));
  }).map(({ quote, version, line }) => `line ${line}: ${quote} (${version ? `code version ${version}` : 'no code version named before it'})`);
}

/** Every committed report's summary.md with its code versions. */
function committedReports(): ReportText[] {
  return readdirSync(join(ROOT, 'reports'))
    .filter((dir) => existsSync(join(ROOT, 'reports', dir, 'summary.md')))
    .map((dir) => { const text = read('reports', dir, 'summary.md'); return { name: dir, versions: reportVersions(text), text }; });
}

/** Each reproduction suite's published mean ± std, as the docs write it. */
function publishedPairs(): string[] {
  const pairs: string[] = [];
  for (const file of readdirSync(join(ROOT, 'benchmarks', 'reproductions'))) {
    const suite = JSON.parse(read('benchmarks', 'reproductions', file)) as { published?: { methods: Record<string, { mean: number; std?: number }> } };
    for (const row of Object.values(suite.published?.methods ?? {})) {
      if (row.std !== undefined) pairs.push(`${row.mean.toFixed(2)} ± ${row.std.toFixed(2)}`);
    }
  }
  return pairs;
}

describe('numbers in the docs', () => {
  const reports = committedReports();
  const published = publishedPairs();
  it('every committed report names its code version', () => {
    expect(reports.filter((r) => r.versions.length === 0).map((r) => r.name)).toEqual([]);
  });
  for (const doc of ['README.md', 'REPRODUCTIONS.md']) {
    it(`every mean ± spread in ${doc} comes from a committed report of the code version the text names, or a published block`, () => {
      const text = read(doc);
      expect(quotes(text).length).toBeGreaterThan(10);
      expect(unbacked(text, reports, published)).toEqual([]);
    });
  }
});

describe('the version convention, on constructed text and reports', () => {
  const reports: ReportText[] = [
    { name: 'old', versions: ['0.4.0'], text: '| code versions | clbench-0.4.0 |\n| naive | 6 | 0 | 97.22 ± 0.36 |' },
    { name: 'new', versions: ['0.5.0'], text: '| code versions | clbench-0.5.0 |\n| naive | 6 | 0 | 96.92 ± 1.86 |' },
    { name: 'mixed', versions: ['0.4.0', '0.5.0'], text: '| code versions | clbench-0.4.0, clbench-0.5.0 |\n| l2 | 5 | 0 | 98.58 ± 0.52 |' },
  ];
  const published = ['93.46 ± 2.01'];

  it('reads a report\'s versions from its environment block', () => {
    expect(reports.map((r) => reportVersions(r.text))).toEqual(reports.map((r) => r.versions));
  });

  it('a number under the version of its report passes; published numbers pass under any version', () => {
    const doc = '## Table (code version 0.5.0)\n\n| naive | 96.92 ± 1.86 | 93.46 ± 2.01 |\n\nUnder code version clbench-0.4.0 it was 97.22 ± 0.36.\n';
    expect(quotes(doc).map((q) => q.version)).toEqual(['0.5.0', '0.5.0', '0.4.0']);
    expect(unbacked(doc, reports, published)).toEqual([]);
  });

  it('fails a number quoted under the wrong version, though a report of another version holds it', () => {
    // 97.22 ± 0.36 is in the 0.4.0 report only; the text says 0.5.0
    const doc = '## Headline (wasm, code version 0.5.0)\n\n| naive | 97.22 ± 0.36 |\n';
    expect(unbacked(doc, reports, published)).toEqual(['line 3: 97.22 ± 0.36 (code version 0.5.0)']);
    // the earlier check (the number appears in some report) let it through
    expect(reports.some((r) => r.text.includes('97.22 ± 0.36'))).toBe(true);
  });

  it('fails a number with no version named before it, and one found only in a report mixing versions', () => {
    expect(unbacked('naive 96.92 ± 1.86\n', reports, published)).toEqual(['line 1: 96.92 ± 1.86 (no code version named before it)']);
    expect(unbacked('code version 0.5.0: l2 98.58 ± 0.52\n', reports, published)).toEqual(['line 1: 98.58 ± 0.52 (code version 0.5.0)']);
  });

  it('the nearest preceding mention wins: a later heading switches the version', () => {
    const doc = '# A, code version 0.4.0\n97.22 ± 0.36\n# B, code version 0.5.0\n97.22 ± 0.36\n';
    expect(unbacked(doc, reports, published)).toEqual(['line 4: 97.22 ± 0.36 (code version 0.5.0)']);
  });
});
