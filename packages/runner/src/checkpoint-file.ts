/**
 * One checkpoint file per unfinished run: OUT/checkpoints/<runId>.ckpt, rewritten after every task
 * (core's run-state.ts says what it holds). Written atomically (temp file, rename); the
 * previous one is kept as <runId>.prev.ckpt until the next write, so a file corrupted on disk
 * falls back to the task before it. Both are deleted when the run's record is written.
 *
 * Layout: "CLBCKPT1" · sha256 (32 bytes) of everything after it · u32 header length · header JSON
 * (format, code version, backend, run id, config hash, tasks done, resumes so far) · the state
 * (core's encodeState bytes). A checkpoint is resumed only when every header field matches the
 * run; otherwise the reason is one line and the run restarts from task 0 (never a wrong result).
 */
import { canonicalJson, type RunConfig } from '@clbench/core';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const CHECKPOINT_FORMAT = 1;
const MAGIC = Buffer.from('CLBCKPT1');

/** What a checkpoint must match to be resumed, and what it remembers of earlier resumes. */
export interface CheckpointHeader {
  format: number;
  codeVersion: string;
  backend: string;
  runId: string;
  configHash: string;
  tasksDone: number;
  /** Every earlier resume of this run, oldest first: the tasks finished when it resumed. */
  resumes: number[];
}

export const checkpointDir = (out: string) => join(out, 'checkpoints');
export const checkpointPath = (out: string, runId: string) => join(checkpointDir(out), `${runId}.ckpt`);
const previousPath = (path: string) => path.replace(/\.ckpt$/, '.prev.ckpt');

export function configHash(config: RunConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 16);
}

/** Write a checkpoint atomically, keeping the one it replaces as .prev; returns its size in bytes. */
export function writeCheckpoint(path: string, header: CheckpointHeader, state: Uint8Array): number {
  mkdirSync(dirname(path), { recursive: true });
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.byteLength, 0);
  const body = Buffer.concat([len, json, state]);
  const sum = createHash('sha256').update(body).digest();
  const tmp = `${path}.${process.pid}.tmp`;
  // No fsync: a file torn by a crash fails its checksum and the previous one is used instead, so
  // durability is not needed for a right result, and an fsync per task costs more than the write.
  const fd = openSync(tmp, 'w');
  try {
    for (const part of [MAGIC, sum, body]) writeSync(fd, part);
  } finally { closeSync(fd); }
  if (existsSync(path)) renameSync(path, previousPath(path));
  renameSync(tmp, path);
  return MAGIC.byteLength + sum.byteLength + body.byteLength;
}

export type CheckpointRead = { ok: true; header: CheckpointHeader; state: Uint8Array } | { ok: false; reason: string };

/** A checkpoint file's header and state once its checksum holds; nothing is compared with a run. */
export function openCheckpoint(path: string): CheckpointRead {
  let bytes: Buffer;
  try { bytes = readFileSync(path); } catch (e) { return { ok: false, reason: `cannot read it (${(e as NodeJS.ErrnoException).code})` }; }
  const head = MAGIC.byteLength + 32;
  if (bytes.byteLength < head + 4 || !bytes.subarray(0, MAGIC.byteLength).equals(MAGIC)) return { ok: false, reason: 'not a clbench checkpoint (bad magic or truncated)' };
  const body = bytes.subarray(head);
  if (!createHash('sha256').update(body).digest().equals(bytes.subarray(MAGIC.byteLength, head))) return { ok: false, reason: 'checksum mismatch (truncated or corrupt)' };
  const jsonBytes = body.readUInt32LE(0);
  let header: CheckpointHeader;
  try { header = JSON.parse(body.subarray(4, 4 + jsonBytes).toString('utf8')) as CheckpointHeader; } catch { return { ok: false, reason: 'unreadable header' }; }
  return { ok: true, header, state: new Uint8Array(body.subarray(4 + jsonBytes)) };
}

/** Read and check one checkpoint file against what the run expects. */
export function readCheckpoint(path: string, expect: Omit<CheckpointHeader, 'format' | 'tasksDone' | 'resumes'>): CheckpointRead {
  const opened = openCheckpoint(path);
  if (!opened.ok) return opened;
  const header = opened.header;
  if (header.format !== CHECKPOINT_FORMAT) return { ok: false, reason: `format ${header.format}, this code reads format ${CHECKPOINT_FORMAT}` };
  if (header.codeVersion !== expect.codeVersion) return { ok: false, reason: `written by ${header.codeVersion}, this is ${expect.codeVersion}` };
  if (header.backend !== expect.backend) return { ok: false, reason: `written on backend ${header.backend}, this run uses ${expect.backend}` };
  if (header.runId !== expect.runId || header.configHash !== expect.configHash) return { ok: false, reason: 'written for another run config' };
  return opened;
}

/** The newest usable checkpoint of a run (the current file, else the previous one), with why others were refused. */
export function findCheckpoint(path: string, expect: Omit<CheckpointHeader, 'format' | 'tasksDone' | 'resumes'>): { found: CheckpointRead & { ok: true } | null; refused: string[] } {
  const refused: string[] = [];
  for (const p of [path, previousPath(path)]) {
    if (!existsSync(p)) continue;
    const r = readCheckpoint(p, expect);
    if (r.ok) return { found: r, refused };
    refused.push(`${p}: ${r.reason}`);
  }
  return { found: null, refused };
}

/** Delete a run's checkpoints (after its record is written), and the checkpoints folder once empty. */
export function deleteCheckpoints(path: string): void {
  for (const p of [path, previousPath(path)]) rmSync(p, { force: true });
  try { if (readdirSync(dirname(path)).length === 0) rmdirSync(dirname(path)); } catch { /* absent, or another run's file arrived */ }
}

/** Bytes held in a results directory's checkpoints folder (printed when large). */
export function checkpointBytes(path: string): number {
  return [path, previousPath(path)].reduce((n, p) => n + (existsSync(p) ? statSync(p).size : 0), 0);
}
