import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const base = JSON.parse(readFileSync(fileURLToPath(new URL('../../../benchmarks/split-mnist.json', import.meta.url)), 'utf8'));

function runWith(suite: unknown | null, extra: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'clbench-bad-'));
  const file = join(dir, 'suite.json');
  if (suite !== null) writeFileSync(file, typeof suite === 'string' ? suite : JSON.stringify(suite));
  const r = spawnSync(process.execPath, [CLI, 'run', file, '--out', join(dir, 'out'), ...extra], { encoding: 'utf8' });
  return { ...r, file, dir };
}

const cases: [string, (s: any) => unknown, RegExp][] = [
  ['wrong type', (s) => ({ ...s, training: { ...s.training, epochs: 'two' } }), /training\.epochs: .*number/],
  ['unknown method', (s) => ({ ...s, methods: [{ name: 'nope' }] }), /methods\[0\]\.name: unknown method "nope" \(known: .*naive/],
  ['unknown field', (s) => ({ ...s, epocs: 3 }), /unknown field "epocs"/],
  ['unknown hyper-parameter', (s) => ({ ...s, methods: [{ name: 'naive', hyperparameters: { lambda: 1 } }] }), /methods\[0\]\.hyperparameters: unknown hyper-parameter "lambda"/],
  ['invalid JSON', () => '{ "name": ', /invalid JSON/],
];

describe('clbench run on bad input: one line naming the file and field, exit code 2, no stack trace', () => {
  for (const [name, edit, pattern] of cases) {
    it(name, () => {
      const r = runWith(edit(base));
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(r.file);
      expect(lines[0]).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(r.dir, 'out'))).toBe(false); // nothing written
    });
  }
  it('missing file', () => {
    const r = runWith(null);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(new RegExp(`^clbench: ${r.file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot read suite file \\(ENOENT\\)$`));
  });
  it('--verbose shows the stack', () => {
    const r = runWith(null, ['--verbose']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});
