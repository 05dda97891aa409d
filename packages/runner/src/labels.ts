/**
 * A suite's method entries and their report labels (issue 16: one row, one configuration).
 * Reports group runs by label; a label defaults to the method name, so two entries of one
 * method with different hyper-parameters would silently share a row. Such a suite is refused
 * unless the entries are given distinct labels. Grid points carry their own labels (grid.ts).
 */
import { canonicalJson, type MethodEntry } from '@clbench/core';

/** A method entry after grid expansion, with where it came from in the suite file ("methods[2]"). */
export interface SourcedEntry { entry: MethodEntry; source: string }

/** The fields in which two entries differ, with both values: "hyperparameters.alpha (0.2 vs 0.00001)", … */
function differences(a: MethodEntry, b: MethodEntry): string[] {
  if (a.name !== b.name) return [`method (${a.name} vs ${b.name})`];
  const keys = [...new Set([...Object.keys(a.hyperparameters), ...Object.keys(b.hyperparameters)])].sort();
  const [ja, jb] = [(k: string) => canonicalJson(a.hyperparameters[k]) ?? 'unset', (k: string) => canonicalJson(b.hyperparameters[k]) ?? 'unset'];
  return keys.filter((k) => ja(k) !== jb(k)).map((k) => `hyperparameters.${k} (${ja(k)} vs ${jb(k)})`);
}

/** Throws (one line) when two entries share a label but differ in method or hyper-parameters. */
export function checkDistinctLabels(entries: SourcedEntry[]): void {
  const first = new Map<string, SourcedEntry>();
  for (const e of entries) {
    const label = e.entry.label ?? e.entry.name;
    const prev = first.get(label);
    if (!prev) { first.set(label, e); continue; }
    const diff = differences(prev.entry, e.entry);
    if (diff.length) {
      throw new Error(`${prev.source} and ${e.source} would both be reported as "${label}" but differ in ${diff.join(', ')}; give each a distinct "label"`);
    }
  }
}
