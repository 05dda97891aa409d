/**
 * Paired differences CLNP − baseline. Runs of the same suite with the same seed and task
 * ordering share data splits, initial weights' RNG stream and task order, so their
 * per-pair difference removes that shared variance; the CI is the Student-t interval of
 * the mean difference. Only ok runs present on both sides form pairs, and only rows that ran in
 * the same setting (row-key.ts sameSetting: same data, network, training and code version) are
 * compared: a CLNP row of one code version is never paired with a baseline of another.
 */
import type { MethodAggregate } from './aggregate.js';
import { METRICS, type MetricName } from './metric-names.js';
import { sameSetting } from './row-key.js';
import { stat, type Stat } from './stats.js';

/** Runs of this method name are the "treatment" of the paired comparison. */
export const CLNP_METHOD = 'clnp';

export interface PairedDiff {
  suite: string;
  /** label of the CLNP configuration */
  clnp: string;
  baseline: string;
  pairs: number;
  /** ok runs on either side without a partner (or whose seed × ordering occurs twice) */
  unpaired: number;
  /** statistics of (CLNP − baseline) per pair, fractions */
  diffs: Record<MetricName, Stat>;
}

const pairKey = (r: { seed: number; ordering: number[] }) => `${r.seed}|${r.ordering.join(',')}`;

function byKey(m: MethodAggregate) {
  const map = new Map<string, MethodAggregate['runs']>();
  for (const r of m.runs) map.set(pairKey(r), [...(map.get(pairKey(r)) ?? []), r]);
  return map;
}

/** CLNP − baseline for one pair, or nothing where either side leaves the metric undefined (FWT, one head per task). */
const pairDiff = (x: number | null, y: number | null): number[] => (x === null || y === null ? [] : [x - y]);

export function pairedDifferences(methods: MethodAggregate[]): PairedDiff[] {
  const out: PairedDiff[] = [];
  for (const c of methods.filter((m) => m.method === CLNP_METHOD)) {
    const cRuns = byKey(c);
    for (const b of methods.filter((m) => m.method !== CLNP_METHOD && sameSetting(m.configuration, c.configuration))) {
      const bRuns = byKey(b);
      const pairs = [...cRuns.keys()].filter((k) => cRuns.get(k)!.length === 1 && bRuns.get(k)?.length === 1)
        .map((k) => [cRuns.get(k)![0], bRuns.get(k)![0]] as const);
      out.push({
        suite: c.suite, clnp: c.label, baseline: b.label, pairs: pairs.length,
        unpaired: c.runs.length + b.runs.length - 2 * pairs.length,
        diffs: Object.fromEntries(METRICS.map((m) => [m, stat(pairs.flatMap(([x, y]) => pairDiff(x.metrics[m], y.metrics[m])))])) as Record<MetricName, Stat>,
      });
    }
  }
  return out;
}
