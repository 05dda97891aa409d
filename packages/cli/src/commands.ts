/** The CLI's commands: an explicit typed map (one file per command in commands/). */
import type { Command } from './args.js';
import { bench } from './commands/bench.js';
import { methods } from './commands/methods.js';
import { report } from './commands/report.js';
import { run } from './commands/run.js';
import { slurm } from './commands/slurm.js';

export const commands = {
  run,
  report,
  methods,
  slurm,
  bench,
} satisfies Record<string, Command>;
