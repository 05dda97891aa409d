/**
 * Naive sequential fine-tuning: train each task in turn with no protection of earlier
 * tasks. The lower bound every continual-learning method must beat.
 */
import { defineMethod } from '@clbench/core';
import { z } from 'zod';

export const naive = defineMethod({
  name: 'naive',
  paper: 'Sequential fine-tuning (baseline; e.g. Hsu et al. 2018, "Re-evaluating continual learning scenarios", arXiv 1810.12488)',
  summary: 'plain sequential training, no protection of earlier tasks (lower bound)',
  supports: ['task', 'domain', 'class'],
  hyperparameters: z.strictObject({}),
  create: () => ({}),
});
