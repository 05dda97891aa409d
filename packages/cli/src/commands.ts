/** The CLI's commands: an explicit typed map (one file per command in commands/). */
import type { Command } from './args.js';
import { methods } from './commands/methods.js';
import { report } from './commands/report.js';
import { run } from './commands/run.js';

export const commands = {
  run,
  report,
  methods,
} satisfies Record<string, Command>;
