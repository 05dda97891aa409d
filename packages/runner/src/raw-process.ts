/**
 * A plain training process for the throughput baseline (throughput.ts): runs the specs in
 * argv[2] (JSON) one after another in this thread, no pool, no store; prints
 * {runs, failed, samples} as JSON.
 */
import { readFileSync } from 'node:fs';
import type { BackendName } from '@clbench/core';
import { executeRun } from './execute.js';
import type { RunSpec } from './matrix.js';
import { samplesOf } from './throughput.js';

const specs = JSON.parse(readFileSync(process.argv[2], 'utf8')) as RunSpec[];
let failed = 0, samples = 0;
for (const spec of specs) {
  const r = await executeRun(spec, { backend: process.argv[3] as BackendName });
  if (r.status === 'failed') failed++;
  samples += samplesOf(r);
}
process.stdout.write(JSON.stringify({ runs: specs.length, failed, samples }) + '\n');
