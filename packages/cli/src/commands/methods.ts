/** `clbench methods`: list the registry with each method's hyper-parameters and defaults. */
import { describeHyperparameters, METHODS } from '@clbench/methods';
import { parse, type Command } from '../args.js';

export const methods: Command = {
  summary: 'list the available methods and their hyper-parameters',
  async run(argv) {
    const { values } = parse(argv, { json: { type: 'boolean' } }, 'usage: clbench methods [--json]');
    const rows = Object.values(METHODS).map((m) => ({ name: m.name, supports: m.supports, summary: m.summary, paper: m.paper, hyperparameters: describeHyperparameters(m.name) }));
    if (values.json) { console.log(JSON.stringify(rows, null, 2)); return 0; }
    for (const r of rows) {
      const props = (r.hyperparameters as { properties?: Record<string, { default?: unknown; description?: string }> }).properties ?? {};
      console.log(`${r.name.padEnd(11)} ${r.summary}  [${r.supports.join(', ')}]`);
      console.log(`${''.padEnd(11)} ${r.paper}`);
      for (const [k, p] of Object.entries(props)) console.log(`${''.padEnd(13)}${k} = ${p.default === undefined ? "(optional)" : JSON.stringify(p.default)}${p.description ? `  — ${p.description}` : ''}`);
    }
    return 0;
  },
};
