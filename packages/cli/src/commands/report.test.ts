/**
 * `clbench report` end to end on a real (tiny) suite: `clbench run` trains naive and joint
 * on embedded MNIST, then the report is checked against the run files themselves.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'clbench-cli-report-'));
const clbench = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });

const SUITE = {
  name: 'tiny-split',
  dataset: { name: 'mnist', source: 'embedded', limit: 40 },
  scenario: { type: 'split', incremental: 'task', tasks: 3, classesPerTask: 2 },
  network: { layers: [{ type: 'dense', units: 16 }] },
  training: { optimizer: 'adam', lr: 0.01, epochs: 1, batchSize: 32, validationFraction: 0.1 },
  methods: [{ name: 'naive' }, { name: 'joint' }],
  seeds: [0, 1],
  orderings: { explicit: [[0, 1, 2], [2, 1, 0]] },
};

interface RunFile { label: string; status: string; metrics: { acc: number } }

beforeAll(() => {
  writeFileSync(join(dir, 'suite.json'), JSON.stringify(SUITE));
  const r = clbench('run', join(dir, 'suite.json'), '--out', join(dir, 'results'), '--quiet', '--backend', 'wasm');
  if (r.status !== 0) throw new Error(`clbench run failed (${r.status}): ${r.stderr}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('clbench report on a real run', () => {
  it('writes the report; summary.md agrees with the run files', () => {
    const r = clbench('report', join(dir, 'results'), '--out', join(dir, 'report'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('warning');
    const runs = readdirSync(join(dir, 'results', 'runs')).map((f) => JSON.parse(readFileSync(join(dir, 'results', 'runs', f), 'utf8')) as RunFile);
    expect(runs).toHaveLength(8);
    const md = readFileSync(join(dir, 'report', 'summary.md'), 'utf8');
    for (const label of ['naive', 'joint']) {
      const accs = runs.filter((x) => x.label === label).map((x) => 100 * x.metrics.acc);
      const mean = accs.reduce((a, b) => a + b) / accs.length;
      expect(md).toContain(`| ${label} | 4 | 0 | ${mean.toFixed(2)} ± `);
    }
    expect(md).toContain('| backends | wasm (8 runs) |');
    for (const chart of ['acc', 'learning-curve', 'accuracy-matrix', 'bwt-forgetting', 'wall-time', 'samples-per-second']) {
      for (const ext of ['vl.json', 'svg', 'png']) expect(existsSync(join(dir, 'report', `tiny-split-${chart}.${ext}`)), `${chart}.${ext}`).toBe(true);
    }
    expect(existsSync(join(dir, 'report', 'tiny-split-clnp-units.svg'))).toBe(false); // no CLNP diagnostics
    expect(readFileSync(join(dir, 'report', 'index.html'), 'utf8')).toContain('<h2>tiny-split (3 tasks)</h2>');
  });

  it('merges several results directories, counting a run present in both once', () => {
    cpSync(join(dir, 'results'), join(dir, 'copy'), { recursive: true });
    const r = clbench('report', join(dir, 'results'), join(dir, 'copy'), '--out', join(dir, 'merged'));
    expect(r.status, r.stderr).toBe(0);
    const md = readFileSync(join(dir, 'merged', 'summary.md'), 'utf8');
    expect(md).toContain('8 runs (8 ok, 0 failed) in 1 suite; 8 duplicate run files merged.');
    expect(md).toContain('| naive | 4 | 0 |');
  });

  it('--vendor DIR --no-png: the published layout (one shared copy of the chart libraries, no PNGs, summary.md shows SVGs)', () => {
    const out = join(dir, 'published', 'reports', 'tiny');
    const vendor = join(dir, 'published', 'reports', 'vendor');
    const r = clbench('report', join(dir, 'results'), '--out', out, '--latest', '--vendor', vendor, '--no-png');
    expect(r.status, r.stderr).toBe(0);
    const libs = readdirSync(vendor).sort();
    expect(libs.map((f) => f.replace(/\d+\.\d+\.\d+/, 'V'))).toEqual(['vega-V.min.js', 'vega-embed-V.min.js', 'vega-lite-V.min.js']);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    for (const f of libs) expect(html).toContain(`<script src="../vendor/${f}"></script>`);
    expect(readdirSync(out).filter((f) => f.endsWith('.png'))).toEqual([]);
    expect(existsSync(join(out, 'tiny-split-acc.svg'))).toBe(true);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('](tiny-split-acc.svg)');
    expect(clbench('report', '--help').stdout).toContain('--vendor DIR');
  });

  it('bad input: one line naming the directory, exit code 2', () => {
    const missing = clbench('report', join(dir, 'nope'), '--out', join(dir, 'x'));
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split('\n')).toEqual([`clbench: ${join(dir, 'nope')}: no runs/ directory (is this a results directory written by \`clbench run\`?)`]);
    const noOut = clbench('report', join(dir, 'results'));
    expect(noOut.status).toBe(2);
    expect(noOut.stderr).toContain('usage: clbench report RESULTS_DIR [RESULTS_DIR ...] --out REPORT_DIR');
  });
});
