/** Argument parsing on node:util parseArgs, with one-line usage errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A CLI command: one-line summary for `clbench --help`, and its entry point (returns the exit code). */
export interface Command { summary: string; run(argv: string[]): Promise<number> }

export class UsageError extends Error { readonly exitCode = 2; }

/** A one-line usage error pointing at the command's help, e.g. "--out DIR is required (see `clbench run --help`)". */
export function usageError(message: string, usage: string): UsageError {
  return new UsageError(`${message} (see \`${/usage: (clbench \S+)/.exec(usage)?.[1] ?? 'clbench'} --help\`)`);
}

function parseImpl<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' }, verbose: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw usageError((e as Error).message.split('\n')[0], usage);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const parse: <O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, usage: string) => any = parseImpl;
