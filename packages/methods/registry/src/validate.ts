/**
 * Check a suite's methods against the registry: known name, supported scenario,
 * hyper-parameters valid for the method's schema (unknown fields rejected). Returns the
 * hyper-parameters with the method's defaults filled in.
 */
import type { Incremental } from '@clbench/core';
import { z } from 'zod';
import { getMethod } from './registry.js';

export function resolveHyperparameters(name: string, hp: Record<string, unknown>, incremental: Incremental, where: string): Record<string, unknown> {
  let def;
  try { def = getMethod(name); } catch (e) { throw new Error(`${where}.name: ${(e as Error).message}`); }
  if (!def.supports.includes(incremental)) {
    throw new Error(`${where}.name: method "${name}" does not support ${incremental}-incremental scenarios (supports: ${def.supports.join(', ')})`);
  }
  const parsed = def.hyperparameters.safeParse(hp);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = [...issue.path].map(String).join('.');
    const msg = issue.code === 'unrecognized_keys' ? `unknown hyper-parameter "${issue.keys.join('", "')}" for method "${name}"` : issue.message;
    throw new Error(`${where}.hyperparameters${path ? '.' + path : ''}: ${msg}`);
  }
  return parsed.data as Record<string, unknown>;
}

/** JSON description of a method's hyper-parameters (for `clbench methods`). */
export function describeHyperparameters(name: string): unknown {
  return z.toJSONSchema(getMethod(name).hyperparameters, { io: 'input' });
}
