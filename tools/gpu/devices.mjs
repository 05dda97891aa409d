#!/usr/bin/env node
/**
 * `--devices 0` end to end on webgpu (run by tools/gpu/check.sh): the runner starts two device
 * processes (CLBENCH_GPU=0) sharing the GPU, each its own Dawn instance; prints every run
 * record's backend, adapter (`gpu`) and ACC/BWT (every method; CLNP and PackNet: BWT exactly 0).
 * Usage: node tools/gpu/devices.mjs [SUITE.json]   (default tools/gpu/devices-suite.json)
 */
import { loadSuite, runSuite } from '@clbench/runner';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const suite = loadSuite(process.argv[2] ?? new URL('./devices-suite.json', import.meta.url).pathname);
const out = mkdtempSync(join(tmpdir(), 'clbench-gpu-devices-'));
const t0 = performance.now();
const s = await runSuite(suite, { out, backend: 'webgpu', devices: ['0'], workers: 2, fresh: true });
console.log(`runSuite --devices 0 --workers 2: ${s.ok} ok, ${s.failed} failed in ${((performance.now() - t0) / 1000).toFixed(1)} s (${out})`);
for (const r of s.results) console.log(r.label, r.status, r.backend, JSON.stringify(r.gpu), r.status === 'ok' ? `ACC ${r.metrics.acc.toFixed(4)} BWT ${r.metrics.bwt}` : r.error);
process.exit(s.failed ? 1 : 0);
