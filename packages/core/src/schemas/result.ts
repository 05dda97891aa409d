/**
 * One JSON file per run: DIR/runs/<runId>.json. Written by the runner, read by reports.
 * Accuracy matrix orientation: R[i][j] = test accuracy on task j (training order) after
 * training task i; rows = after task i.
 */
import { z } from 'zod';
import { RunConfigSchema, STAGES } from './suite.js';

export const MetricsSchema = z.strictObject({
  acc: z.number(),
  bwt: z.number(),
  fwt: z.number().nullable().describe('null where undefined: one head per task (task-incremental), see core/metrics.ts'),
  forgetting: z.number(),
  learningCurve: z.array(z.number()),
});

/** How a reporting run's hyper-parameters were chosen (suite `tuning`). */
export const SelectionSchema = z.strictObject({
  metric: z.literal('acc'),
  score: z.number().describe('the chosen configuration\'s mean validation ACC over its tuning runs'),
  candidate: z.string().describe('label of the chosen grid point, e.g. ewc[lambda=100]'),
  grid: z.array(z.string()).min(1).describe('labels of the grid points compared, in grid order'),
  tuningSeeds: z.array(z.number().int()),
  tuningRunIds: z.array(z.string()).describe('the chosen configuration\'s tuning runs'),
});

/** Gradient steps per task (training order): the task's training epochs, and those afterTask takes (CLNP fine-tuning, PackNet retraining). */
export const StepsSchema = z.strictObject({
  train: z.array(z.number().int().min(0)),
  consolidation: z.array(z.number().int().min(0)),
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
  /** The GPU adapter a webgpu run ran on (webgpu.ts: GpuAdapter). */
  gpu: z.strictObject({
    vendor: z.string(), architecture: z.string(), device: z.string(), description: z.string(), dawnBackend: z.string(),
    selector: z.string().optional(), available: z.array(z.string()).optional(),
  }).optional(),
  startedAt: z.string(),
  finishedAt: z.string(),
  attempts: z.number().int().min(1).default(1),
  stage: z.enum(STAGES).default('reporting'),
  selection: SelectionSchema.optional().describe('reporting runs of a tuned method entry'),
};

export const OkRunSchema = z.strictObject({
  ...common,
  status: z.literal('ok'),
  taskNames: z.array(z.string()),
  evaluatedOn: z.enum(['test', 'validation']).default('test').describe('the split behind accuracyMatrix and metrics: validation for tuning runs'),
  steps: StepsSchema.optional().describe('absent in records written before clbench 0.3'),
  accuracyMatrix: z.array(z.array(z.number())),
  randomInitAccuracy: z.array(z.number()).describe('b_j: accuracy of the untrained network on task j (for FWT)'),
  metrics: MetricsSchema,
  diagnostics: z.record(z.string(), z.unknown()),
  timing: z.strictObject({ wallSeconds: z.number(), trainSeconds: z.number(), samplesPerSecond: z.number() }),
  peakRssBytes: z.number(),
  checkpoints: z.strictObject({
    writes: z.number().int().min(0).describe('checkpoints written by the last process that ran it (one after each task but the last)'),
    bytes: z.number().int().min(0).describe('size of the last checkpoint written'),
    writeSeconds: z.number().min(0),
    resumedAfterTasks: z.array(z.number().int().min(1)).describe('one entry per resume, oldest first: the tasks finished when it resumed; empty = never interrupted'),
  }).optional().describe('per-task checkpoints (absent when the run was not checkpointed)'),
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
export type Selection = z.infer<typeof SelectionSchema>;
export type Steps = z.infer<typeof StepsSchema>;
