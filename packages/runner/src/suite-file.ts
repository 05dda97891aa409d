/**
 * Read and validate a suite file: the schema, then every value against what the data and
 * network can hold (suite-checks.ts). Every problem is one line naming the file and the
 * field: "benchmarks/x.json: methods[1].hyperparameters.lambda: expected number".
 * Method entries with hyper-parameter lists expand into grids (grid.ts); entries that would
 * share a report label must be one configuration (labels.ts).
 */
import { readFileSync } from 'node:fs';
import { SuiteSchema, type Suite } from '@clbench/core';
import { resolveHyperparameters } from '@clbench/methods';
import { expandMethodEntry } from './grid.js';
import { checkDistinctLabels } from './labels.js';
import { checkSuite } from './suite-checks.js';
import type { z } from 'zod';

export class InputError extends Error {}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

export function formatZodIssue(issue: z.core.$ZodIssue): string {
  const at = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') return `${at ? at + ': ' : ''}unknown field "${issue.keys.join('", "')}"`;
  return `${at || '(top level)'}: ${issue.message}`;
}

/** Parse a suite from a file; throws InputError with a one-line message. */
export function loadSuite(file: string): Suite {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { throw new InputError(`${file}: cannot read suite file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); }
  let json: unknown;
  try { json = JSON.parse(text); } catch (e) { throw new InputError(`${file}: invalid JSON (${(e as Error).message})`); }
  return parseSuite(json, file);
}

export function parseSuite(json: unknown, file = '<suite>'): Suite {
  const parsed = SuiteSchema.safeParse(json);
  if (!parsed.success) throw new InputError(`${file}: ${formatZodIssue(parsed.error.issues[0])}`);
  const suite = parsed.data;
  try {
    checkSuite(suite); // every value against what the data and network can hold, before anything is expanded
    const entries = suite.methods.flatMap((m, i) =>
      expandMethodEntry(m, (hp) => resolveHyperparameters(m.name, hp, suite.scenario.incremental, `methods[${i}]`))
        .map((entry) => ({ entry, source: `methods[${i}]` })));
    checkDistinctLabels(entries);
    suite.methods = entries.map((e) => e.entry);
  } catch (e) { throw new InputError(`${file}: ${(e as Error).message}`); }
  return suite;
}
