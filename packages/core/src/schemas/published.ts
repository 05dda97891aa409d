/**
 * Published numbers a reproduction suite is held against (suite field `published`).
 * `clbench run` copies them into the results directory (DIR/published/<suite>.json) and
 * `clbench report` shows them beside the measured numbers, matched by method label.
 * Numbers are in percent (percentage points for BWT, FWT and forgetting), as papers print them.
 */
import { z } from 'zod';

export const PUBLISHED_METRICS = ['acc', 'bwt', 'fwt', 'forgetting'] as const;

export const PublishedRowSchema = z.strictObject({
  mean: z.number().describe('published mean, in percent'),
  std: z.number().min(0).optional().describe('published standard deviation over runs, in percent (omit when the paper gives none)'),
  runs: z.number().int().positive().optional().describe('number of runs behind mean and std (omit when the paper does not say)'),
  note: z.string().optional().describe('anything particular to this row (its own protocol, where the number is quoted from)'),
});

export const CitationSchema = z.strictObject({
  authors: z.string().min(1).describe('e.g. "Hsu, Liu, Ramasamy, Kira"'),
  year: z.number().int().min(1900).max(2100),
  title: z.string().min(1),
  table: z.string().min(1).describe('where the numbers are printed, e.g. "Table 2, split MNIST, incremental task"'),
  id: z.string().min(1).describe('arXiv id ("arXiv:1810.12488") or URL'),
});

export const PublishedSchema = z.strictObject({
  citation: CitationSchema,
  metric: z.enum(PUBLISHED_METRICS).default('acc').describe('which clbench metric the numbers are: acc = final average accuracy over all tasks'),
  conversions: z.string().optional().describe('how the suite\'s protocol differs from or was converted from the paper\'s (λ with or without ½, input size, epochs, …)'),
  methods: z.record(z.string().min(1), PublishedRowSchema)
    .refine((m) => Object.keys(m).length > 0, { message: 'give at least one method' })
    .describe('published numbers per method label of this suite (a label is methods[i].label, or the method name when it has none)'),
});

export type PublishedRow = z.infer<typeof PublishedRowSchema>;
export type Citation = z.infer<typeof CitationSchema>;
export type Published = z.infer<typeof PublishedSchema>;
