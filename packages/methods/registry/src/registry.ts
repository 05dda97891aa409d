/**
 * The explicit, typed registry of methods. Adding a method = one import and one entry
 * here (the generator `nx g @clbench/tools:method NAME` writes both). Keys are the names
 * suites use; the compiler checks them.
 */
import type { MethodDefinition } from '@clbench/core';
import { clnp } from '@clbench/method-clnp';
import { joint } from '@clbench/method-joint';
import { naive } from '@clbench/method-naive';

export const METHODS = {
  naive,
  joint,
  clnp,
} satisfies Record<string, MethodDefinition<any>>;

export type MethodName = keyof typeof METHODS;
export const methodNames = Object.keys(METHODS) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(METHODS, name);
}

/** Look a method up by name; an unknown name is an error listing the known ones. */
export function getMethod(name: string): MethodDefinition<any> {
  if (!isMethodName(name)) throw new Error(`unknown method "${name}" (known: ${methodNames.join(', ')})`);
  return METHODS[name];
}
