/** Runs in a results directory that the suite no longer produces (issue 16): counted, never removed. */
import { describe, expect, it } from 'vitest';
import { failedRun } from './execute.js';
import { CODE_VERSION, expandMatrix } from './matrix.js';
import { otherRuns, otherRunsNote } from './other-runs.js';
import { ResultsStore, readResults } from './store.js';
import { tempDir, tinySuite } from './test-util.js';

const at = { backend: 'wasm', startedAt: '2026-01-01T00:00:00.000Z', attempts: 1 };

describe('runs of other code versions or suite configs', () => {
  const specs = expandMatrix(tinySuite());
  const edited = expandMatrix(tinySuite({ training: { optimizer: 'adam', lr: 0.02, epochs: 1, batchSize: 32 } }));
  const current = failedRun(specs[0], 'x', at);
  const older = (i: number, v: string) => ({ ...failedRun(specs[i], 'x', at), runId: `${v}-${i}`, codeVersion: v });
  const results = [
    current, // in the matrix: not counted
    older(0, 'clbench-0.1.0'), older(1, 'clbench-0.1.0'), older(2, 'clbench-0.0.9'),
    failedRun(edited[0], 'x', at), // the suite file before an edit: another config
    { ...failedRun(edited[1], 'x', at), suite: 'another-suite' }, // another suite: not counted
  ];

  it('counts them per code version, and those of another config of the suite', () => {
    const o = otherRuns(results, 'tiny', specs);
    expect([...o.otherVersions].sort()).toEqual([['clbench-0.0.9', 1], ['clbench-0.1.0', 2]]);
    expect(o.otherConfig).toBe(1);
  });

  it('the note reads the directory, names the counts, and nothing is removed', () => {
    const dir = tempDir('other-runs');
    const store = new ResultsStore(dir);
    for (const r of results) store.write(r);
    expect(otherRunsNote(dir, 'tiny', specs)).toBe(`note: ${dir} already holds 4 runs of suite "tiny" that this suite file does not produce (1 of code version clbench-0.0.9, 2 of code version clbench-0.1.0, 1 of another config of this suite); they are kept, and a report of ${dir} shows them as separate rows (clbench report --latest keeps only the newest code version)`);
    expect(readResults(dir)).toHaveLength(results.length);
    expect(otherRunsNote(tempDir('empty'), 'tiny', specs)).toBeUndefined();
    expect(CODE_VERSION).not.toBe('clbench-0.1.0');
  });
});
