/**
 * The explicit, typed registry of methods. Adding a method = one import and one entry
 * here (the generator `nx g @clbench/tools:method NAME` writes both). Keys are the names
 * suites use; the compiler checks them.
 */
import type { MethodDefinition } from '@clbench/core';
import { aGem } from '@clbench/method-a-gem';
import { clnp } from '@clbench/method-clnp';
import { der } from '@clbench/method-der';
import { er } from '@clbench/method-er';
import { ewc } from '@clbench/method-ewc';
import { gdumb } from '@clbench/method-gdumb';
import { hat } from '@clbench/method-hat';
import { icarl } from '@clbench/method-icarl';
import { joint } from '@clbench/method-joint';
import { l1Change } from '@clbench/method-l1-change';
import { l2 } from '@clbench/method-l2';
import { lwf } from '@clbench/method-lwf';
import { mas } from '@clbench/method-mas';
import { naive } from '@clbench/method-naive';
import { onlineEwc } from '@clbench/method-online-ewc';
import { packnet } from '@clbench/method-packnet';
import { si } from '@clbench/method-si';
import { singleTask } from '@clbench/method-single-task';

export const METHODS = {
  naive,
  joint,
  clnp,
  l2,
  ewc,
  'online-ewc': onlineEwc,
  si,
  mas,
  packnet,
  'l1-change': l1Change,
  hat,
  lwf,
  er,
  'a-gem': aGem,
  'single-task': singleTask,
  der,
  gdumb,
  icarl,
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
