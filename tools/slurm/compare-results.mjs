#!/usr/bin/env node
// Usage: compare-results.mjs SHARDED_DIR SINGLE_DIR — exit 0 iff both hold the same runs, all ok,
// with identical accuracy matrices (and random-init accuracies), compared exactly.
import { readResults } from '@clbench/runner';

const [a, b] = process.argv.slice(2).map((dir) => new Map(readResults(dir).map((r) => [r.runId, r])));
const problems = [];
for (const id of new Set([...a.keys(), ...b.keys()])) {
  const x = a.get(id), y = b.get(id);
  if (!x || !y) { problems.push(`${id}: only in ${x ? 'sharded' : 'single'} results`); continue; }
  if (x.status !== 'ok' || y.status !== 'ok') { problems.push(`${id}: status ${x.status} vs ${y.status} ${x.error ?? y.error ?? ''}`); continue; }
  if (JSON.stringify([x.accuracyMatrix, x.randomInitAccuracy]) !== JSON.stringify([y.accuracyMatrix, y.randomInitAccuracy])) problems.push(`${id}: accuracy matrices differ`);
}
if (problems.length || a.size === 0) { console.error(`slurm: merged results differ from the single-process run:\n  ${problems.join('\n  ') || 'no runs'}`); process.exit(1); }
console.log(`slurm: ${a.size} runs from the job array == single-process run (identical accuracy matrices)`);
