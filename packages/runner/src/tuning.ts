/**
 * The two stages of a suite with `tuning` (docs/design.md, "Fair comparison": selection on
 * validation, held-out seeds):
 *  1. tuning: every grid point of every method entry with a grid × tuning seeds × tuning
 *     orderings. Tuning runs measure their accuracy matrix on validation splits (carved
 *     from training data), never on test data.
 *  2. reporting: per entry, the grid point with the best score (mean validation ACC over its
 *     tuning runs; ties → the first in grid order) × reporting seeds × orderings, labelled
 *     with the entry's label. An entry without a grid has no tuning runs and is ready at once.
 * An entry's reporting runs exist only once every one of its tuning runs has a result in
 * the results directory (from this process or from other shards); until then it waits.
 * A grid point with a failed tuning run is not eligible.
 */
import { canonicalJson, type OkRun, type RunResult, type Selection } from '@clbench/core';
import { expandOrderings } from '@clbench/data';
import { specsFor, uniqueRuns, type RunSpec } from './matrix.js';
import type { GridEntry, LoadedSuite } from './suite-file.js';

export interface PointScore {
  label: string;
  hyperparameters: Record<string, unknown>;
  /** mean validation ACC over the point's tuning runs; NaN when one of them failed */
  score: number;
  runIds: string[];
}

/** What the reporting stage can do for one method entry. */
export type EntryPlan =
  | { label: string; status: 'ready'; specs: RunSpec[]; scores: PointScore[] }
  | { label: string; status: 'waiting'; finished: number; total: number }
  | { label: string; status: 'no-candidate'; scores: PointScore[] };

const tuned = (g: GridEntry) => g.points.length > 1;

function tuningSpecsOf(suite: LoadedSuite, g: GridEntry): RunSpec[] {
  const t = suite.tuning!;
  return specsFor(suite, g.points, t.seeds, expandOrderings(t.orderings, suite.scenario.tasks), 'tuning', { entry: g.label });
}

/** Stage 1: the tuning runs of every entry with a grid (none without `tuning`). */
export function tuningSpecs(suite: LoadedSuite): RunSpec[] {
  if (!suite.tuning) return [];
  return uniqueRuns(suite, suite.grids.filter(tuned).flatMap((g) => tuningSpecsOf(suite, g)));
}

/** Score every grid point of `g` from its tuning results (undefined: some have no result yet). */
export function scorePoints(suite: LoadedSuite, g: GridEntry, results: ReadonlyMap<string, RunResult>): PointScore[] | undefined {
  const specs = tuningSpecsOf(suite, g);
  if (specs.some((s) => !results.has(s.runId))) return undefined;
  return g.points.map((p) => {
    const label = p.label ?? p.name;
    const runs = specs.filter((s) => s.config.label === label).map((s) => results.get(s.runId)!);
    const ok = runs.filter((r): r is OkRun => r.status === 'ok');
    for (const r of ok) if (r.evaluatedOn !== 'validation') throw new Error(`tuning run ${r.runId} was evaluated on ${r.evaluatedOn} data, not validation`);
    const score = ok.length === runs.length ? ok.reduce((s, r) => s + r.metrics.acc, 0) / ok.length : NaN;
    return { label, hyperparameters: p.hyperparameters, score, runIds: runs.map((r) => r.runId) };
  });
}

/** Index of the best score (first in grid order on ties; NaN never wins); -1 when all are NaN. */
export function bestPoint(scores: readonly number[]): number {
  let best = -1;
  scores.forEach((s, i) => { if (!Number.isNaN(s) && (best < 0 || s > scores[best])) best = i; });
  return best;
}

/** Stage 2, per method entry: its reporting runs, or why they cannot start yet. */
export function reportingPlan(suite: LoadedSuite, results: ReadonlyMap<string, RunResult>): EntryPlan[] {
  const orderings = expandOrderings(suite.orderings, suite.scenario.tasks);
  return suite.grids.map((g): EntryPlan => {
    const reporting = (point: GridEntry['points'][number], selection?: Selection) =>
      specsFor(suite, [{ ...point, label: g.label }], suite.seeds, orderings, 'reporting', { selection });
    if (!suite.tuning || !tuned(g)) return { label: g.label, status: 'ready', specs: reporting(g.points[0]), scores: [] };
    const scores = scorePoints(suite, g, results);
    if (!scores) {
      const ids = tuningSpecsOf(suite, g).map((s) => s.runId);
      return { label: g.label, status: 'waiting', finished: ids.filter((id) => results.has(id)).length, total: ids.length };
    }
    const best = bestPoint(scores.map((s) => s.score));
    if (best < 0) return { label: g.label, status: 'no-candidate', scores };
    const selection: Selection = {
      metric: suite.tuning.metric, score: scores[best].score, candidate: scores[best].label, grid: scores.map((s) => s.label),
      tuningSeeds: suite.tuning.seeds, tuningRunIds: scores[best].runIds,
    };
    return { label: g.label, status: 'ready', specs: reporting(g.points[best], selection), scores };
  });
}

/** The reporting runs of the entries that are ready. */
export function readySpecs(plan: EntryPlan[]): RunSpec[] {
  return plan.flatMap((p) => (p.status === 'ready' ? p.specs : []));
}

/**
 * A reporting run's slot: entry label, seed, ordering. Slots are known before tuning ends
 * (run ids are not: they hold the chosen hyper-parameters), so shards deal reporting runs by
 * slot and every run has the same shard however many entries were ready when a shard looked.
 */
export const slotOf = (s: RunSpec) => canonicalJson([s.config.label, s.config.seed, s.config.ordering]);

export function reportingSlots(suite: LoadedSuite): string[] {
  const orderings = expandOrderings(suite.orderings, suite.scenario.tasks);
  return suite.grids.flatMap((g) => suite.seeds.flatMap((seed) => orderings.map((o) => canonicalJson([g.label, seed, o]))));
}
