#!/usr/bin/env node
/**
 * Suggest golden-target ranges (benchmarks/targets.json) for a small suite: run it with
 * N seeds (default 10) in this process on wasm, and for each method label and metric print
 * the mean over the suite's own seeds (what the golden test checks) and a suggested range:
 *   [min − 3·sd/√k, max + 3·sd/√k], rounded outward to 0.01,
 * where k = number of seeds in the suite, min/max run over the means of the N/k disjoint
 * groups of k consecutive seeds, and sd is the per-seed standard deviation.
 * Usage: npm run build && node tools/scripts/measure-targets.mjs benchmarks/ci/SUITE.json [--seeds N] [--methods a,b]
 */
import { parseArgs } from 'node:util';
import { executeRun, expandMatrix, loadSuite } from '@clbench/runner';

const METRICS = ['acc', 'bwt', 'forgetting', 'fwt'];
const { values, positionals } = parseArgs({ allowPositionals: true, options: { seeds: { type: 'string', default: '10' }, methods: { type: 'string' } } });
if (positionals.length !== 1) { console.error('usage: measure-targets.mjs SUITE.json [--seeds N] [--methods a,b]'); process.exit(2); }
const suite = loadSuite(positionals[0]);
const k = suite.seeds.length, N = Math.max(k, Number(values.seeds));
const wanted = values.methods?.split(',');
const ownSeeds = new Set(suite.seeds);
const specs = expandMatrix({ ...suite, seeds: [...new Set([...suite.seeds, ...Array.from({ length: N }, (_, i) => i)])],
  methods: suite.methods.filter((m) => !wanted || wanted.includes(m.label ?? m.name)) });
const byLabel = new Map();
for (const spec of specs) {
  const r = await executeRun(spec, { backend: 'wasm' });
  if (r.status !== 'ok') { console.error(`${r.label} seed ${r.seed}: ${r.error}`); process.exit(1); }
  const list = byLabel.get(r.label) ?? [];
  list.push({ seed: r.seed, m: r.metrics });
  byLabel.set(r.label, list);
}
const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
const f = (v) => v.toFixed(3);
for (const [label, runs] of byLabel) for (const metric of METRICS) {
  if (runs.some((r) => r.m[metric] === null)) continue; // FWT is undefined with one head per task
  const own = runs.filter((r) => ownSeeds.has(r.seed)).map((r) => r.m[metric]);
  const all = runs.filter((r) => r.seed < N).sort((a, b) => a.seed - b.seed).map((r) => r.m[metric]);
  const sd = Math.sqrt(all.reduce((a, v) => a + (v - mean(all)) ** 2, 0) / Math.max(1, all.length - 1));
  const groups = Array.from({ length: Math.floor(all.length / k) }, (_, g) => mean(all.slice(g * k, (g + 1) * k)));
  const pad = (3 * sd) / Math.sqrt(k);
  const lo = Math.floor((Math.min(...groups) - pad) * 100) / 100, hi = Math.ceil((Math.max(...groups) + pad) * 100) / 100;
  console.log(`${suite.name} ${label} ${metric}: measured ${f(mean(own))} (seeds ${[...ownSeeds].join(',')}); ${N} seeds: sd ${f(sd)}, ${k}-seed means ${f(Math.min(...groups))}..${f(Math.max(...groups))} → allowed [${lo.toFixed(2)}, ${hi.toFixed(2)}]`);
}
