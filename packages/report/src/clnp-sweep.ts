/**
 * CLNP's sparsity sweep: CLNP rows of a suite whose configurations differ only in the L1
 * strength α (e.g. benchmarks/studies/clnp-sparsity-sweep.json, one label per sparsity mode ×
 * epochs, each with an α grid) form a group; a group with at least 3 distinct α is a sweep.
 * Per α, over runs: units kept per hidden layer after the first task (its `active` units,
 * diagnostics.clnp.tasks[0].layers[l]), validation accuracy before pruning and after
 * fine-tuning, and test accuracy R[0][0], which is shown and never used for anything.
 */
import { canonicalJson } from '@clbench/core';
import type { MethodAggregate, SuiteAggregate } from './aggregate.js';
import { clnpTasks, type ClnpTaskRecord } from './clnp-tasks.js';
import { CLNP_METHOD } from './paired.js';
import { stat, type Stat } from './stats.js';

/** Fewest distinct α values a group needs to be plotted as a sweep. */
export const SWEEP_MIN_ALPHAS = 3;

export interface SweepPoint {
  /** the row's label */
  label: string;
  alpha: number;
  /** runs with a record of the first task */
  runs: number;
  /** [l] = units of hidden layer l kept by the first task */
  kept: Stat[];
  valAccUnpruned: Stat;
  valAccFinal: Stat;
  /** R[0][0]: shown, never used to choose */
  testAcc: Stat;
}

export interface SweepGroup {
  /** the rows' label without its α (e.g. "clnp activations 2 epochs") */
  name: string;
  layers: number;
  /** sorted by α */
  points: SweepPoint[];
}

/** The run label without "alpha=…" in its trailing grid brackets (runner/grid.ts writes `label[alpha=0.001,margin=0.01]`). */
export function withoutAlpha(label: string): string {
  const m = /^(.*)\[([^\]]*)\]$/.exec(label);
  if (!m) return label;
  const rest = m[2].split(',').filter((kv) => !kv.startsWith('alpha='));
  return rest.length ? `${m[1]}[${rest.join(',')}]` : m[1];
}

/** The configuration with α left out: rows equal under it differ in α alone. */
function groupKey(m: MethodAggregate): string {
  const { alpha: _, ...hp } = (m.configuration.hyperparameters ?? {}) as Record<string, unknown>;
  return canonicalJson({ ...m.configuration, hyperparameters: hp });
}

function point(m: MethodAggregate, alpha: number): SweepPoint | undefined {
  const first = m.runs.flatMap((run) => {
    const t = clnpTasks(run)?.find((r) => r.task === 0);
    return t ? [{ t, test: run.accuracyMatrix[0][0] }] : [];
  });
  if (!first.length) return undefined;
  const layers = Math.max(...first.map(({ t }) => t.layers.length));
  const kept = (l: number) => stat(first.flatMap(({ t }: { t: ClnpTaskRecord }) => t.layers.filter((r) => r.layer === l).map((r) => r.active)));
  return {
    label: m.label, alpha, runs: first.length,
    kept: [...Array(layers).keys()].map(kept),
    valAccUnpruned: stat(first.map(({ t }) => t.valAccUnpruned)),
    valAccFinal: stat(first.map(({ t }) => t.valAccFinal)),
    testAcc: stat(first.map(({ test }) => test)),
  };
}

/** The suite's sweeps, in order of their first row. */
export function sweepGroups(suite: SuiteAggregate): SweepGroup[] {
  const groups = new Map<string, { rows: MethodAggregate[]; points: SweepPoint[] }>();
  for (const m of suite.methods) {
    const alpha = (m.configuration.hyperparameters as Record<string, unknown> | undefined)?.alpha;
    if (m.method !== CLNP_METHOD || typeof alpha !== 'number') continue;
    const p = point(m, alpha);
    if (!p) continue;
    const g = groups.get(groupKey(m)) ?? { rows: [], points: [] };
    g.rows.push(m);
    g.points.push(p);
    groups.set(groupKey(m), g);
  }
  const out: SweepGroup[] = [];
  const names = new Set<string>();
  for (const g of groups.values()) {
    if (new Set(g.points.map((p) => p.alpha)).size < SWEEP_MIN_ALPHAS) continue;
    const base = [...new Set(g.rows.map((m) => withoutAlpha(m.runLabel)))].join(' / ');
    let name = base;
    for (let k = 2; names.has(name); k++) name = `${base} #${k}`; // two groups of one label (e.g. two code versions)
    names.add(name);
    out.push({ name, layers: Math.max(...g.points.map((p) => p.kept.length)), points: g.points.sort((a, b) => a.alpha - b.alpha) });
  }
  return out;
}
