/**
 * A run's state as a tree, written to one binary blob and read back exactly (per-task checkpoints).
 * Leaves are JSON values, typed arrays (Float32Array, Int32Array, Uint8Array) and tensors (saved
 * as dtype, shape and values; read back as new tensors the caller owns). Numbers keep every bit:
 * arrays travel as raw little-endian bytes, JSON numbers as their shortest round-trip decimal,
 * and the non-finite ones (NaN, ±Infinity) as tagged strings.
 *
 * Layout: "CLBSTATE" · u32 length of the JSON tree · the JSON tree (UTF-8; each array leaf is
 * replaced by { "$blob": i, "type", "shape"? }) · blob 0 · blob 1 · …  (blob byte lengths in the tree).
 */
import { tf } from './backend.js';

export type StateValue =
  | null | boolean | number | string
  | Float32Array | Int32Array | Uint8Array | tf.Tensor
  | StateValue[] | { [key: string]: StateValue };

const MAGIC = 'CLBSTATE';
type ArrayKind = 'float32' | 'int32' | 'uint8';
interface BlobRef { $blob: number; type: ArrayKind | 'tensor'; dtype?: string; shape?: number[]; bytes: number }

/** The tree as bytes (tensors are read synchronously: call where dataSync works, host.ts). */
export function encodeState(tree: StateValue): Uint8Array {
  const blobs: Uint8Array[] = [];
  const blob = (bytes: Uint8Array, ref: Omit<BlobRef, '$blob' | 'bytes'>): BlobRef => {
    blobs.push(bytes);
    return { $blob: blobs.length - 1, bytes: bytes.byteLength, ...ref };
  };
  const walk = (v: StateValue, path: string): unknown => {
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (typeof v === 'number') return Number.isFinite(v) ? v : { $number: String(v) };
    if (v instanceof Float32Array) return blob(bytesOf(v), { type: 'float32' });
    if (v instanceof Int32Array) return blob(bytesOf(v), { type: 'int32' });
    if (v instanceof Uint8Array) return blob(v.slice(), { type: 'uint8' });
    if (v instanceof tf.Tensor) return blob(bytesOf(v.dataSync() as Float32Array | Int32Array | Uint8Array), { type: 'tensor', dtype: v.dtype, shape: v.shape });
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`));
    if (typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (x === undefined) continue;                                        // as JSON: an absent optional field
        if (k.startsWith('$')) throw new Error(`state ${path}.${k}: keys starting with $ are reserved`);
        out[k] = walk(x, `${path}.${k}`);
      }
      return out;
    }
    throw new Error(`state ${path}: cannot store a ${typeof v}`);
  };
  const json = new TextEncoder().encode(JSON.stringify(walk(tree, '')));
  const total = MAGIC.length + 4 + json.byteLength + blobs.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, json.byteLength, true);
  let at = MAGIC.length + 4;
  out.set(json, at); at += json.byteLength;
  for (const b of blobs) { out.set(b, at); at += b.byteLength; }
  return out;
}

/** The tree back from `encodeState`'s bytes; throws (one line) on anything malformed. Tensors are new: the caller owns them. */
export function decodeState(bytes: Uint8Array): StateValue {
  if (bytes.byteLength < MAGIC.length + 4 || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) throw new Error('not a clbench state (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonBytes = view.getUint32(MAGIC.length, true);
  const start = MAGIC.length + 4;
  if (start + jsonBytes > bytes.byteLength) throw new Error('state truncated inside its index');
  const index = JSON.parse(new TextDecoder().decode(bytes.subarray(start, start + jsonBytes))) as unknown;
  // Blob offsets follow from the byte lengths in index order (blobs are numbered in walk order).
  const refs: BlobRef[] = [];
  collectRefs(index, refs);
  refs.sort((a, b) => a.$blob - b.$blob);
  const offsets: number[] = [];
  let at = start + jsonBytes;
  for (const r of refs) { offsets[r.$blob] = at; at += r.bytes; }
  if (at !== bytes.byteLength) throw new Error(`state has ${bytes.byteLength} bytes, its index describes ${at}`);
  const copy = (r: BlobRef) => bytes.slice(offsets[r.$blob], offsets[r.$blob] + r.bytes).buffer;
  const build = (v: unknown): StateValue => {
    if (v === null || typeof v !== 'object') return v as StateValue;
    if (Array.isArray(v)) return v.map(build);
    const o = v as Record<string, unknown>;
    if ('$number' in o) return Number(o.$number);
    if ('$blob' in o) return fromBlob(o as unknown as BlobRef, copy(o as unknown as BlobRef));
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, build(x)]));
  };
  return build(index);
}

function fromBlob(r: BlobRef, buf: ArrayBuffer): StateValue {
  if (r.type === 'float32') return new Float32Array(buf);
  if (r.type === 'int32') return new Int32Array(buf);
  if (r.type === 'uint8') return new Uint8Array(buf);
  const dtype = r.dtype as 'float32' | 'int32' | 'bool';
  const values = dtype === 'float32' ? new Float32Array(buf) : dtype === 'int32' ? new Int32Array(buf) : new Uint8Array(buf);
  return tf.tensor(values, r.shape, dtype);
}

function collectRefs(v: unknown, out: BlobRef[]): void {
  if (v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) { for (const x of v) collectRefs(x, out); return; }
  if ('$blob' in (v as object)) { out.push(v as BlobRef); return; }
  for (const x of Object.values(v as object)) collectRefs(x, out);
}

function bytesOf(a: Float32Array | Int32Array | Uint8Array): Uint8Array {
  return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

/** Plain records (diagnostics kept by a method, typed by interfaces the compiler cannot see as
 *  StateValue); `encodeState` still refuses anything that is not storable, naming its path. */
export const records = (v: object): StateValue => v as StateValue;

/** Readers for a decoded tree, each failing with one line naming the path. */
export const stateReader = {
  object(v: StateValue | undefined, path: string): Record<string, StateValue> {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v) || v instanceof tf.Tensor) throw new Error(`state ${path}: expected an object`);
    return v as Record<string, StateValue>;
  },
  number(v: StateValue | undefined, path: string): number {
    if (typeof v !== 'number') throw new Error(`state ${path}: expected a number`);
    return v;
  },
  string(v: StateValue | undefined, path: string): string {
    if (typeof v !== 'string') throw new Error(`state ${path}: expected a string`);
    return v;
  },
  array(v: StateValue | undefined, path: string): StateValue[] {
    if (!Array.isArray(v)) throw new Error(`state ${path}: expected an array`);
    return v;
  },
  numbers(v: StateValue | undefined, path: string): number[] {
    return stateReader.array(v, path).map((x, i) => stateReader.number(x, `${path}[${i}]`));
  },
  tensor(v: StateValue | undefined, path: string): tf.Tensor {
    if (!(v instanceof tf.Tensor)) throw new Error(`state ${path}: expected a tensor`);
    return v;
  },
  /** Tensors by name (anchors, importances); null stays null. */
  tensors(v: StateValue | undefined, path: string): Record<string, tf.Tensor> | null {
    if (v === null) return null;
    const o = stateReader.object(v, path), out: Record<string, tf.Tensor> = {};
    for (const [k, x] of Object.entries(o)) out[k] = stateReader.tensor(x, `${path}.${k}`);
    return out;
  },
  /** Plain JSON records (diagnostics kept by a method) as they were saved. */
  json<T>(v: StateValue | undefined, path: string): T {
    if (v === undefined) throw new Error(`state ${path}: missing`);
    return v as T;
  },
};
