/**
 * Read and validate a suite file: the schema, then every value against what the data and
 * network can hold (suite-checks.ts). Every problem is one line naming the file and the
 * field: "benchmarks/x.json: methods[1].hyperparameters.lambda: expected number".
 * Method entries with hyper-parameter lists expand into grids (grid.ts); entries that would
 * share a report label must be one configuration (labels.ts); each grid point must leave at
 * least one training epoch under the suite's budget (core budget.ts).
 */
import { readFileSync } from 'node:fs';
import { budgetProblem, SuiteSchema, type MethodEntry, type Suite } from '@clbench/core';
import { expandOrderings } from '@clbench/data';
import { getMethod, resolveHyperparameters } from '@clbench/methods';
import { expandMethodEntry } from './grid.js';
import { checkDistinctLabels } from './labels.js';
import { checkSuite } from './suite-checks.js';
import type { z } from 'zod';

export class InputError extends Error {}

/** The grid points of one method entry of the suite file (one point when it holds no list). */
export interface GridEntry { label: string; points: MethodEntry[] }

/** A validated suite: `methods` lists every grid point; `grids[i]` those of the file's methods[i]. */
export interface LoadedSuite extends Suite { grids: GridEntry[] }

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

export function formatZodIssue(issue: z.core.$ZodIssue): string {
  const at = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') return `${at ? at + ': ' : ''}unknown field "${issue.keys.join('", "')}"`;
  return `${at || '(top level)'}: ${issue.message}`;
}

/** Parse a suite from a file; throws InputError with a one-line message. */
export function loadSuite(file: string): LoadedSuite {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { throw new InputError(`${file}: cannot read suite file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); }
  let json: unknown;
  try { json = JSON.parse(text); } catch (e) { throw new InputError(`${file}: invalid JSON (${(e as Error).message})`); }
  return parseSuite(json, file);
}

export function parseSuite(json: unknown, file = '<suite>'): LoadedSuite {
  const parsed = SuiteSchema.safeParse(json);
  if (!parsed.success) throw new InputError(`${file}: ${formatZodIssue(parsed.error.issues[0])}`);
  const suite = parsed.data;
  let grids: GridEntry[];
  try {
    checkSuite(suite); // every value against what the data and network can hold, before anything is expanded
    if (suite.tuning) tuningOrderings(suite);
    grids = suite.methods.map((m, i) => {
      const points = expandMethodEntry(m, (hp) => resolveHyperparameters(m.name, hp, suite.scenario.incremental, `methods[${i}]`));
      for (const p of points) checkBudget(suite, p, `methods[${i}]`);
      return { label: m.label ?? m.name, points };
    });
    checkDistinctLabels(grids.flatMap((g, i) => g.points.map((entry) => ({ entry, source: `methods[${i}]` }))));
    if (suite.tuning) distinctEntryLabels(grids);
  } catch (e) { throw new InputError(`${file}: ${(e as Error).message}`); }
  return { ...suite, methods: grids.flatMap((g) => g.points), grids };
}

/** The tuning orderings must be permutations of the tasks (messages name tuning.orderings). */
function tuningOrderings(suite: Suite): void {
  try { expandOrderings(suite.tuning!.orderings, suite.scenario.tasks); } catch (e) { throw new Error(`tuning.${(e as Error).message}`); }
}

/** With tuning, an entry's reporting runs carry its label: two entries may not share one. */
function distinctEntryLabels(grids: GridEntry[]): void {
  const seen = new Map<string, number>();
  grids.forEach((g, i) => {
    const j = seen.get(g.label);
    if (j !== undefined) throw new Error(`methods[${j}] and methods[${i}] are both labelled "${g.label}"; with tuning each entry reports its chosen configuration under its label: give each a distinct "label"`);
    seen.set(g.label, i);
  });
}

function checkBudget(suite: Suite, point: MethodEntry, at: string): void {
  const def = getMethod(point.name);
  const problem = budgetProblem(suite.training, def.consolidationEpochs?.(def.hyperparameters.parse(point.hyperparameters)) ?? 0);
  if (problem) throw new Error(`${at} (${point.label ?? point.name}): ${problem}`);
}
