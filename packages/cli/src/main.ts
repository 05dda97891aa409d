#!/usr/bin/env node
/**
 * The `clbench` command. Bad input → one line on stderr naming the file and field,
 * exit code 2 (no stack trace unless --verbose). Failed runs → exit code 1.
 */
import { commands } from './commands.js';
import { UsageError } from './args.js';

const HELP = `clbench — continual-learning benchmarks (CLNP, EWC, SI, MAS, …)

usage: clbench <command> [options]

commands:
${Object.entries(commands).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`).join('\n')}

Run \`clbench <command> --help\` for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') { console.log(HELP); return name ? 0 : 2; }
  const cmd = commands[name as keyof typeof commands];
  if (!cmd) throw new UsageError(`unknown command "${name}" (commands: ${Object.keys(commands).join(', ')})`);
  return cmd.run(rest);
}

const verbose = process.argv.includes('--verbose');
main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: Error) => {
    console.error(verbose ? e.stack : `clbench: ${e.message}`);
    process.exitCode = (e as { exitCode?: number }).exitCode ?? 2;
  },
);
