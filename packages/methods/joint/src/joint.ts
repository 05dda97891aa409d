/**
 * Joint training: when task t arrives, train on the data of every task seen so far
 * (0..t) — the usual upper bound ("offline" in Hsu et al. 2018). Separate heads take
 * turns batch by batch; a shared head mixes tasks inside each batch (the trainer does it).
 */
import { defineMethod, type TaskData } from '@clbench/core';
import { z } from 'zod';

export const joint = defineMethod({
  name: 'joint',
  paper: 'Joint / offline training on all tasks so far (upper bound; Hsu et al. 2018, arXiv 1810.12488)',
  summary: 'trains on every task seen so far (upper bound)',
  supports: ['task', 'domain', 'class'],
  hyperparameters: z.strictObject({}),
  create: () => ({
    beforeTask: (task: TaskData, ctx) => ({ trainOn: [...ctx.finished, task] }),
  }),
});
