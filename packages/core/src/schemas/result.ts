/**
 * One JSON file per run: DIR/runs/<runId>.json. Written by the runner, read by reports.
 * Accuracy matrix orientation: R[i][j] = test accuracy on task j (training order) after
 * training task i; rows = after task i.
 */
import { z } from 'zod';
import { RunConfigSchema } from './suite.js';

export const MetricsSchema = z.strictObject({
  acc: z.number(),
  bwt: z.number(),
  fwt: z.number(),
  forgetting: z.number(),
  learningCurve: z.array(z.number()),
});

const common = {
  runId: z.string(),
  suite: z.string(),
  method: z.string(),
  label: z.string(),
  hyperparameters: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
  ordering: z.array(z.number().int()),
  config: RunConfigSchema,
  codeVersion: z.string(),
  backend: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  attempts: z.number().int().min(1).default(1),
};

export const OkRunSchema = z.strictObject({
  ...common,
  status: z.literal('ok'),
  taskNames: z.array(z.string()),
  accuracyMatrix: z.array(z.array(z.number())),
  randomInitAccuracy: z.array(z.number()).describe('b_j: accuracy of the untrained network on task j (for FWT)'),
  metrics: MetricsSchema,
  diagnostics: z.record(z.string(), z.unknown()),
  timing: z.strictObject({ wallSeconds: z.number(), trainSeconds: z.number(), samplesPerSecond: z.number() }),
  peakRssBytes: z.number(),
});

export const FailedRunSchema = z.strictObject({
  ...common,
  status: z.literal('failed'),
  error: z.string(),
});

export const RunResultSchema = z.discriminatedUnion('status', [OkRunSchema, FailedRunSchema]);
export type OkRun = z.infer<typeof OkRunSchema>;
export type FailedRun = z.infer<typeof FailedRunSchema>;
export type RunResult = z.infer<typeof RunResultSchema>;
export type Metrics = z.infer<typeof MetricsSchema>;
