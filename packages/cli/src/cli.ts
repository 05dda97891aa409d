/**
 * The `clbench` command as a function (main.ts runs it on process.argv; tests call it
 * in-process). Bad input → one line on stderr naming the file and field, exit code 2
 * (no stack trace unless --verbose). Failed runs → exit code 1.
 */
import { commands } from './commands.js';
import { UsageError } from './args.js';

const HELP = `clbench — continual-learning benchmarks (CLNP, EWC, SI, MAS, …)

usage: clbench <command> [options]

commands:
${Object.entries(commands).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`).join('\n')}

Run \`clbench <command> --help\` for a command's options.`;

async function dispatch(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') { console.log(HELP); return name ? 0 : 2; }
  const cmd = commands[name as keyof typeof commands];
  if (!cmd) throw new UsageError(`unknown command "${name}" (commands: ${Object.keys(commands).join(', ')})`);
  return cmd.run(rest);
}

/** Run `clbench argv…`; returns the exit code. Errors are printed on stderr, never thrown. */
export async function cli(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (e) {
    console.error(argv.includes('--verbose') ? (e as Error).stack : `clbench: ${(e as Error).message}`);
    return (e as { exitCode?: number }).exitCode ?? 2;
  }
}
