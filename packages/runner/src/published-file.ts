/**
 * A suite's published numbers travel with its results: `runSuite` writes them to
 * DIR/published/<suite>.json (atomically: temp file, then rename; shards write the same
 * content), and `clbench report` reads every such file of its results directories.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PublishedSchema, type Published } from '@clbench/core';

export function writePublished(dir: string, suite: string, published: Published): void {
  const pubDir = join(dir, 'published');
  mkdirSync(pubDir, { recursive: true });
  const file = join(pubDir, `${suite}.json`);
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  writeFileSync(tmp, JSON.stringify(published, null, 1) + '\n');
  renameSync(tmp, file);
}

/** Suite name → published numbers, from DIR/published/*.json (none: an empty object). Throws a one-line error naming a bad file. */
export function readPublished(dir: string): Record<string, Published> {
  const pubDir = join(dir, 'published');
  let files: string[];
  try { files = readdirSync(pubDir).filter((f) => f.endsWith('.json')).sort(); } catch { return {}; }
  const out: Record<string, Published> = {};
  for (const f of files) {
    const path = join(pubDir, f);
    let json: unknown;
    try { json = JSON.parse(readFileSync(path, 'utf8')); } catch (e) { throw new Error(`${path}: invalid JSON (${(e as Error).message})`); }
    const parsed = PublishedSchema.safeParse(json);
    if (!parsed.success) { const i = parsed.error.issues[0]; throw new Error(`${path}: ${i.path.join('.') || '(top level)'}: ${i.message}`); }
    out[f.slice(0, -'.json'.length)] = parsed.data;
  }
  return out;
}

/**
 * Merge the published numbers of several results directories. The same suite may appear
 * in several (shards); its tables must then be identical.
 */
export function mergePublished(dirs: string[]): Record<string, Published> {
  const out: Record<string, Published> = {};
  const from: Record<string, string> = {};
  for (const dir of dirs) {
    for (const [suite, pub] of Object.entries(readPublished(dir))) {
      if (out[suite] && JSON.stringify(out[suite]) !== JSON.stringify(pub)) {
        throw new Error(`suite "${suite}": ${from[suite]}/published and ${dir}/published hold different published numbers`);
      }
      out[suite] = pub;
      from[suite] = dir;
    }
  }
  return out;
}
