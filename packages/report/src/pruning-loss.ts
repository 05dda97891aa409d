/**
 * Pruning loss of pruning methods (CLNP, PackNet), read from a run's diagnostics:
 *
 *   diagnostics.pruning = { tasks: [{ task, testAccBeforePruning, testAccAfterConsolidation }, ...] }
 *
 * (core's PruningRecord). For task j: test accuracy just before pruning minus test accuracy
 * just after consolidation (pruning + fine-tuning/retraining; = R[j][j]). R[j][j] is measured
 * after pruning, so BWT and forgetting cannot show this cost: with CLNP's graceful forgetting
 * it is bounded on validation data by the margin m per task. Per run the loss is averaged over
 * tasks; the report gives its mean / CI over runs, and per task position for the chart.
 */
import type { OkRun, PruningRecord } from '@clbench/core';
import type { MethodAggregate } from './aggregate.js';
import { stat, type Stat } from './stats.js';

const FIELDS = ['testAccBeforePruning', 'testAccAfterConsolidation'] as const;

/** The run's pruning records, or undefined when it has no `diagnostics.pruning`. Throws one line naming the run and field. */
export function pruningRecords(run: OkRun): PruningRecord[] | undefined {
  const d = run.diagnostics.pruning as { tasks?: unknown } | undefined;
  if (d === undefined) return undefined;
  const where = `run ${run.runId} (${run.label}): diagnostics.pruning`;
  if (!d || typeof d !== 'object' || !Array.isArray(d.tasks)) throw new Error(`${where}.tasks: expected an array of { task, testAccBeforePruning, testAccAfterConsolidation }`);
  return d.tasks.map((rec: unknown, i: number) => {
    const r = rec as Record<string, unknown> | null;
    if (typeof r?.task !== 'number' || !Number.isInteger(r.task) || r.task < 0 || r.task >= run.accuracyMatrix.length) {
      throw new Error(`${where}.tasks[${i}].task: expected a task position 0..${run.accuracyMatrix.length - 1}, got ${JSON.stringify(r?.task)}`);
    }
    for (const f of FIELDS) if (typeof r[f] !== 'number' || !Number.isFinite(r[f])) throw new Error(`${where}.tasks[${i}].${f}: expected a number, got ${JSON.stringify(r[f])}`);
    return { task: r.task, testAccBeforePruning: r.testAccBeforePruning as number, testAccAfterConsolidation: r.testAccAfterConsolidation as number };
  });
}

const loss = (r: PruningRecord) => r.testAccBeforePruning - r.testAccAfterConsolidation;

/** Mean pruning loss per run (over its tasks), then mean / CI over the method's runs that record it; n = 0 when none does. */
export function pruningLoss(m: MethodAggregate): Stat {
  const perRun = m.runs.flatMap((run) => {
    const recs = pruningRecords(run);
    return recs?.length ? [recs.reduce((a, r) => a + loss(r), 0) / recs.length] : [];
  });
  return stat(perRun);
}

/** Pruning loss per task position, over the method's runs, for every method that records it. */
export function pruningLossPerTask(methods: MethodAggregate[]): { label: string; task: number; stat: Stat }[] {
  return methods.flatMap((m) => {
    const byTask = new Map<number, number[]>();
    for (const run of m.runs) for (const r of pruningRecords(run) ?? []) byTask.set(r.task, [...(byTask.get(r.task) ?? []), loss(r)]);
    return [...byTask.keys()].sort((a, b) => a - b).map((task) => ({ label: m.label, task, stat: stat(byTask.get(task)!) }));
  });
}
