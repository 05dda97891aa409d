export { commands } from './commands.js';
export { cli } from './cli.js';
