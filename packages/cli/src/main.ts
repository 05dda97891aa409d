#!/usr/bin/env node
/** The `clbench` executable (packages/cli/bin/clbench.js runs it): cli.ts on the process's arguments. */
import { cli } from './cli.js';

process.exitCode = await cli(process.argv.slice(2));
