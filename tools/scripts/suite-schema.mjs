#!/usr/bin/env node
/**
 * Emit benchmarks/suite.schema.json, the JSON Schema editors use to complete and check
 * suite files ("$schema": "./suite.schema.json"). Generated from the zod SuiteSchema
 * (packages/core/src/schemas/suite.ts) with zod 4's z.toJSONSchema, in input mode (fields
 * with defaults are optional), plus each registered method's hyper-parameter schema so
 * `methods[i].hyperparameters` is completed per method name.
 * Usage: npm run schema   (builds first; `--check` exits 1 when the file is stale)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SuiteSchema } from '@clbench/core';
import { METHODS } from '@clbench/methods';
import { z } from 'zod';

export const SCHEMA_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'benchmarks', 'suite.schema.json');

const toJson = (schema) => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
};

/** The suite JSON Schema as an object. */
export function suiteJsonSchema() {
  const schema = z.toJSONSchema(SuiteSchema, { io: 'input', unrepresentable: 'any' });
  const item = schema.properties.methods.items;
  item.properties.name = { ...item.properties.name, enum: Object.keys(METHODS), description: 'a registered method (clbench methods)' };
  // per method: if name is X then hyperparameters follow X's schema
  item.allOf = Object.entries(METHODS).map(([name, def]) => ({
    if: { properties: { name: { const: name } }, required: ['name'] },
    then: { properties: { hyperparameters: { ...toJson(def.hyperparameters), description: `${def.name}: ${def.summary}` } } },
  }));
  return { $schema: schema.$schema, $id: 'https://clbench.dev/suite.schema.json', title: 'clbench suite', ...schema };
}

export const schemaText = () => `${JSON.stringify(suiteJsonSchema(), null, 2)}\n`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = schemaText();
  if (process.argv.includes('--check')) {
    let old = '';
    try { old = readFileSync(SCHEMA_FILE, 'utf8'); } catch { /* missing = stale */ }
    if (old !== text) { console.error(`${SCHEMA_FILE}: stale; run \`npm run schema\``); process.exit(1); }
    console.error(`${SCHEMA_FILE}: up to date`);
  } else {
    writeFileSync(SCHEMA_FILE, text);
    console.error(`wrote ${SCHEMA_FILE}`);
  }
}
