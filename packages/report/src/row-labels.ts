/**
 * Labels for the rows of one label that covers several configurations: the label followed by
 * what differs, e.g. `clnp[alpha=1e-5]`, `clnp@0.2.0`, `ewc[training.lr=0.01]@0.1.0`.
 * Hyper-parameters are named by their key, other config fields by their path, the code
 * version follows an `@` (without a leading "clbench-").
 */
import type { Configuration } from './row-key.js';

export interface LabelSplit {
  suite: string;
  /** the label the runs carry */
  label: string;
  /** the labels of its rows, sorted as the rows are */
  rows: string[];
  /** what differs between them ("alpha", "training.lr", "code version") */
  differs: string[];
}

const UNSET = 'unset';

function formatValue(v: unknown): string {
  if (typeof v === 'number') return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential() : String(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) return `[${v.map(formatValue).join(',')}]`;
  return JSON.stringify(v);
}

/** Leaf path → shown value; arrays of scalars are one leaf. */
function leaves(v: unknown, path: string, out: Map<string, string>): Map<string, string> {
  const scalarArray = Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object');
  if (v && typeof v === 'object' && !scalarArray) {
    for (const [k, x] of Object.entries(v)) leaves(x, Array.isArray(v) ? `${path}[${k}]` : path ? `${path}.${k}` : k, out);
  } else if (v !== undefined) {
    out.set(path, formatValue(v));
  }
  return out;
}

const shownName = (path: string) => (path.startsWith('hyperparameters.') ? path.slice('hyperparameters.'.length) : path);
const shownVersion = (v: string) => v.replace(/^clbench-/, '');

/**
 * One label per configuration (same order), distinct from each other and from `taken`
 * (the suite's other labels), and the names of the fields that differ.
 */
export function splitLabels(label: string, configs: Configuration[], taken: ReadonlySet<string>): { labels: string[]; differs: string[] } {
  const flat = configs.map(({ codeVersion: _, ...rest }) => leaves(rest, '', new Map()));
  const paths = [...new Set(flat.flatMap((f) => [...f.keys()]))].sort();
  const differing = paths.filter((p) => new Set(flat.map((f) => f.get(p) ?? UNSET)).size > 1);
  const versionDiffers = new Set(configs.map((c) => c.codeVersion)).size > 1;
  const labels = configs.map((c, i) => {
    const fields = differing.map((p) => `${shownName(p)}=${flat[i].get(p) ?? UNSET}`);
    return `${label}${fields.length ? `[${fields.join(',')}]` : ''}${versionDiffers ? `@${shownVersion(c.codeVersion)}` : ''}`;
  });
  // Two distinct configurations always differ in a shown field; only a value whose text equals
  // another's (the number 1 and the string "1") or a label already in the suite can collide.
  const used = new Set(taken);
  const unique = labels.map((l) => {
    let u = l;
    for (let k = 2; used.has(u); k++) u = `${l}#${k}`;
    used.add(u);
    return u;
  });
  return { labels: unique, differs: [...differing.map(shownName), ...(versionDiffers ? ['code version'] : [])] };
}
