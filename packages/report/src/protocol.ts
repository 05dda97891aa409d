/**
 * The protocol behind a suite's numbers (docs/design.md, "Fair comparison"): how its
 * hyper-parameters were chosen and what step budget every method had.
 *  - Selection: per method entry with a grid, every grid point's validation ACC over its
 *    tuning runs (mean ± 95% CI, recomputed here from the tuning run records), and the
 *    point the reporting runs used (their `selection.candidate`). Tuning runs never enter
 *    the main tables or charts.
 *  - Budget: training.budget and epochs of the reporting runs.
 */
import type { OkRun, RunResult } from '@clbench/core';
import { stat, type Stat } from './stats.js';

export interface GridPoint {
  label: string;
  hyperparameters: Record<string, unknown>;
  runs: number;
  failed: number;
  /** validation ACC over the point's ok tuning runs */
  score: Stat;
  /** the configuration this entry's reporting runs used */
  chosen: boolean;
}

export interface TunedEntry { entry: string; points: GridPoint[] }

export interface Protocol {
  suite: string;
  tuningSeeds: number[];
  reportingSeeds: number[];
  budget: string;
  epochs: number;
  entries: TunedEntry[];
  /** runs and summed run wall time (s) of each stage: the cost of selection */
  cost: { tuning: { runs: number; seconds: number }; reporting: { runs: number; seconds: number } };
}

const costOf = (rs: RunResult[]) => ({ runs: rs.length, seconds: rs.reduce((s, r) => s + (r.status === 'ok' ? r.timing.wallSeconds : 0), 0) });

const sortedUnique = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);

/** The protocol of every suite with reporting runs in `results`. */
export function protocols(results: RunResult[]): Map<string, Protocol> {
  const out = new Map<string, Protocol>();
  const reporting = results.filter((r) => r.stage !== 'tuning');
  for (const suite of [...new Set(reporting.map((r) => r.suite))]) {
    const mine = reporting.filter((r) => r.suite === suite), tuning = results.filter((r) => r.suite === suite && r.stage === 'tuning');
    const chosen = new Set(mine.flatMap((r) => (r.selection ? [r.selection.candidate] : [])));
    const gridOf = new Map(mine.flatMap((r) => (r.selection ? [[r.label, r.selection.grid] as const] : [])));
    const entries = [...new Set(tuning.map((r) => r.config.entry ?? r.label))].map((entry): TunedEntry => {
      const runs = tuning.filter((r) => (r.config.entry ?? r.label) === entry);
      // grid order as the reporting runs recorded it; then any grid point they do not list
      const labels = [...new Set([...(gridOf.get(entry) ?? []), ...runs.map((r) => r.label)])].filter((l) => runs.some((r) => r.label === l));
      return {
        entry,
        points: labels.map((label) => {
          const rs = runs.filter((r) => r.label === label), ok = rs.filter((r): r is OkRun => r.status === 'ok');
          return { label, hyperparameters: rs[0].hyperparameters, runs: rs.length, failed: rs.length - ok.length, score: stat(ok.map((r) => r.metrics.acc)), chosen: chosen.has(label) };
        }),
      };
    });
    const { training } = mine[0].config;
    out.set(suite, {
      suite, entries, budget: training.budget, epochs: training.epochs, cost: { tuning: costOf(tuning), reporting: costOf(mine) },
      tuningSeeds: sortedUnique(mine.flatMap((r) => r.selection?.tuningSeeds ?? [])),
      reportingSeeds: sortedUnique(mine.map((r) => r.seed)),
    });
  }
  return out;
}

/** The header sentences of a suite's section: selection and budget. */
export function protocolLines(p: Protocol): string[] {
  const seeds = (xs: number[]) => xs.join(', ');
  return [
    p.tuningSeeds.length
      ? `Hyper-parameters selected on validation data of tuning seeds ${seeds(p.tuningSeeds)}; reported seeds ${seeds(p.reportingSeeds)} (test data never enter a choice).`
      : `Hyper-parameters as written in the suite (no tuning stage); reported seeds ${seeds(p.reportingSeeds)}.`,
    p.budget === 'equal-steps'
      ? `Budget: equal steps. Every method takes the same gradient steps per task (${p.epochs} epochs; CLNP fine-tuning and PackNet retraining come out of them); joint is the exception: the same epochs over every task seen so far.`
      : `Budget: ${p.epochs} training epochs per task; consolidation training (CLNP fine-tuning, PackNet retraining) comes on top (see the steps column).`,
    ...(p.cost.tuning.runs ? [`Cost of selection: tuning stage ${p.cost.tuning.runs} runs, ${p.cost.tuning.seconds.toFixed(0)} s of run time; reporting stage ${p.cost.reporting.runs} runs, ${p.cost.reporting.seconds.toFixed(0)} s (summed over runs, not wall-clock).`] : []),
  ];
}
