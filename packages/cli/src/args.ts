/** Argument parsing on node:util parseArgs, with one-line usage errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A CLI command: one-line summary for `clbench --help`, and its entry point (returns the exit code). */
export interface Command { summary: string; run(argv: string[]): Promise<number> }

export class UsageError extends Error { readonly exitCode = 2; }

function parseImpl<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' }, verbose: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]}\n${usage}`);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const parse: <O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, usage: string) => any = parseImpl;
