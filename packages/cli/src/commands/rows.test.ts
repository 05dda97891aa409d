/**
 * One row, one configuration (issue 16), end to end through the CLI on tiny real runs:
 * a suite whose entries would share a label is refused; runs of another code version or of
 * another version of the suite file become separate rows (or are left out with --latest, or
 * refused with --strict). Expected rows are recomputed from the run files themselves.
 */
import { CODE_VERSION, readResults } from '@clbench/runner';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'clbench-cli-rows-'));
const clbench = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
const at = (...p: string[]) => join(dir, ...p);
const version = CODE_VERSION.replace(/^clbench-/, '');

const SUITE = {
  name: 'rows', dataset: { name: 'mnist', limit: 20 },
  scenario: { type: 'split', incremental: 'task', tasks: 2, classesPerTask: 2 },
  network: { layers: [{ type: 'dense', units: 8 }] }, training: { optimizer: 'adam', lr: 0.01, epochs: 1, batchSize: 32 },
  methods: [{ name: 'naive' }], seeds: [0, 1],
};

function writeSuite(name: string, suite: unknown): string {
  writeFileSync(at(name), JSON.stringify(suite));
  return at(name);
}
function runSuite(file: string, out: string) {
  const r = clbench('run', file, '--out', out, '--workers', '1', '--backend', 'wasm', '--quiet');
  if (r.status !== 0) throw new Error(`clbench run failed (${r.status}): ${r.stderr}`);
  return r;
}
/** The row "| label | n | failed | ACC ± …" of summary.md, from the mean of the given ACCs. */
const row = (label: string, accs: number[]) => `| ${label} | ${accs.length} | 0 | ${(100 * accs.reduce((a, b) => a + b) / accs.length).toFixed(2)} ± `;
const accsOf = (results: string, pick: (r: ReturnType<typeof readResults>[number]) => boolean = () => true) =>
  readResults(results).filter(pick).map((r) => (r.status === 'ok' ? r.metrics.acc : NaN));
/** The labels of the first method table (header "| method | runs | failed |"); later tables (CLNP's capacity, reuse) have rows of their own. */
function methodRows(md: string): string[] {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| method | runs | failed |'));
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  return lines.slice(start + 2, end).map((l) => l.split(' | ')[0].slice(2));
}

beforeAll(() => {
  runSuite(writeSuite('v1.json', SUITE), at('v1'));
  cpSync(at('v1'), at('upgraded'), { recursive: true });
  // The same runs as recorded by an older code version (its run ids differ): ACC 0.5 each.
  for (const f of readdirSync(at('v1', 'runs'))) {
    const r = JSON.parse(readFileSync(at('v1', 'runs', f), 'utf8'));
    const old = { ...r, runId: `old${r.runId.slice(3)}`, codeVersion: 'clbench-0.1.0', metrics: { ...r.metrics, acc: 0.5 } };
    writeFileSync(at('upgraded', 'runs', `${old.runId}.json`), JSON.stringify(old));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('two CLNP entries in one suite', () => {
  const clnp = (hp: Record<string, unknown>, label?: string) => ({ name: 'clnp', ...(label ? { label } : {}), hyperparameters: { sparsity: 'weights', ...hp } });
  const suite = { ...SUITE, name: 'two-clnp', seeds: [0] };

  it('without labels: refused in one line naming both entries, nothing run', () => {
    const file = writeSuite('two-clnp.json', { ...suite, methods: [clnp({}), clnp({ alpha: 0.00001 })] });
    const r = clbench('run', file, '--out', at('two-clnp-refused'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `clbench: ${file}: methods[0] and methods[1] would both be reported as "clnp" but differ in hyperparameters.alpha (0.0001 vs 0.00001); give each a distinct "label"`,
    ]);
    expect(existsSync(at('two-clnp-refused'))).toBe(false);
  });

  it('with labels: accepted, and reported as two rows', () => {
    const file = writeSuite('two-clnp-labelled.json', { ...suite, methods: [clnp({}, 'clnp'), clnp({ alpha: 0.00001 }, 'clnp-weak-l1')] });
    runSuite(file, at('two-clnp'));
    const r = clbench('report', at('two-clnp'), '--out', at('two-clnp-report'));
    expect(r.status, r.stderr).toBe(0);
    const md = readFileSync(at('two-clnp-report', 'summary.md'), 'utf8');
    expect(methodRows(md)).toEqual(['clnp', 'clnp-weak-l1']);
    for (const label of ['clnp', 'clnp-weak-l1']) expect(md).toContain(row(label, accsOf(at('two-clnp'), (x) => x.label === label)));
    expect(md).not.toContain('different configurations');
  });
});

describe('a results directory holding runs of two code versions', () => {
  it('clbench run says so in one line at the start and keeps them', () => {
    const before = readdirSync(at('upgraded', 'runs')).sort();
    const r = runSuite(at('v1.json'), at('upgraded'));
    expect(r.stderr.split('\n')[0]).toBe(`note: ${at('upgraded')} already holds 2 runs of suite "rows" that this suite file does not produce (2 of code version clbench-0.1.0); they are kept, and a report of ${at('upgraded')} shows them as separate rows (clbench report --latest keeps only the newest code version)`);
    expect(readdirSync(at('upgraded', 'runs')).sort()).toEqual(before);
  });

  it('default: two rows, and the header says why', () => {
    const r = clbench('report', at('upgraded'), '--out', at('upgraded-report'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('warning'); // the charts take the split labels without a vega warning
    const md = readFileSync(at('upgraded-report', 'summary.md'), 'utf8');
    expect(methodRows(md)).toEqual(['naive@0.1.0', `naive@${version}`]);
    expect(md).toContain(row('naive@0.1.0', [0.5, 0.5]));
    expect(md).toContain(row(`naive@${version}`, accsOf(at('v1'))));
    const note = `Suite rows: the runs labelled "naive" have 2 different configurations (they differ in code version), so they are shown as 2 rows: naive@0.1.0, naive@${version}.`;
    expect(md.slice(0, md.indexOf('## Environment'))).toContain(`> ${note}`);
    expect(readFileSync(at('upgraded-report', 'index.html'), 'utf8')).toContain(`<p class="rows-note">${note.replace(/"/g, '&quot;')}</p>`);
    expect(md).toContain('| per row: rows / naive@0.1.0 | clbench-0.1.0 on wasm (2 runs) |');
    expect(r.stderr).toContain(`report: note: ${note}`);
  });

  it('--latest: one row of the newest version; the older runs are named as left out', () => {
    const r = clbench('report', at('upgraded'), '--out', at('latest-report'), '--latest');
    expect(r.status, r.stderr).toBe(0);
    const md = readFileSync(at('latest-report', 'summary.md'), 'utf8');
    expect(methodRows(md)).toEqual(['naive']);
    expect(md).toContain(row('naive', accsOf(at('v1'))));
    expect(md).toContain('> Left out by --latest (older code versions): rows / naive clbench-0.1.0 (2 runs).');
    expect(md).toContain('2 runs (2 ok, 0 failed) in 1 suite');
  });

  it('--strict: refused in one line, exit 2, no report written', () => {
    const r = clbench('report', at('upgraded'), '--out', at('strict-report'), '--strict');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `clbench: suite "rows": label "naive" covers 2 configurations differing in code version (naive@0.1.0, naive@${version}); --strict refuses to report them (without it they are separate rows; --latest keeps only the newest code version)`,
    ]);
    expect(existsSync(at('strict-report'))).toBe(false);
  });
});

describe('two results directories from different versions of a suite file', () => {
  it('are merged into one row per version, each the mean of its own runs', () => {
    runSuite(writeSuite('v2.json', { ...SUITE, training: { ...SUITE.training, lr: 0.02 } }), at('v2'));
    const r = clbench('report', at('v1'), at('v2'), '--out', at('merged-report'), '--strict');
    expect(r.status).toBe(2); // --strict refuses the merge …
    const merged = clbench('report', at('v1'), at('v2'), '--out', at('merged-report'));
    expect(merged.status, merged.stderr).toBe(0); // … the default shows both
    const md = readFileSync(at('merged-report', 'summary.md'), 'utf8');
    expect(methodRows(md)).toEqual(['naive[training.lr=0.01]', 'naive[training.lr=0.02]']);
    expect(md).toContain(row('naive[training.lr=0.01]', accsOf(at('v1'))));
    expect(md).toContain(row('naive[training.lr=0.02]', accsOf(at('v2'))));
  });

  it('clbench run of the new suite version into the old directory says so and keeps the old runs', () => {
    cpSync(at('v1'), at('v1-then-v2'), { recursive: true });
    const r = runSuite(at('v2.json'), at('v1-then-v2'));
    expect(r.stderr.split('\n')[0]).toContain(`already holds 2 runs of suite "rows" that this suite file does not produce (2 of another config of this suite); they are kept`);
    expect(readdirSync(at('v1-then-v2', 'runs'))).toHaveLength(4);
  });
});
