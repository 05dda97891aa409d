/**
 * Epoch budgets (docs/design.md, "Fair comparison", equal budgets). A task's gradient steps are
 * its training epochs plus the epochs its method's afterTask trains (CLNP fine-tuning,
 * PackNet retraining). Under `budget: "equal-steps"` those consolidation epochs come out of
 * `training.epochs`, so every method takes the same number of steps per task; joint is the
 * stated exception (same epochs over more data).
 */
import type { TrainingConfig } from './schemas/suite.js';

/** Epochs of a task's training phase for a method whose consolidation trains `consolidationEpochs` epochs. */
export function trainingEpochs(training: Pick<TrainingConfig, 'epochs' | 'budget'>, consolidationEpochs: number): number {
  return training.budget === 'equal-steps' ? training.epochs - consolidationEpochs : training.epochs;
}

/** null when the budget leaves at least one training epoch, else why not (one line). */
export function budgetProblem(training: Pick<TrainingConfig, 'epochs' | 'budget'>, consolidationEpochs: number): string | null {
  if (trainingEpochs(training, consolidationEpochs) >= 1) return null;
  const one = consolidationEpochs === 1;
  return `${consolidationEpochs} consolidation epoch${one ? ' leaves' : 's leave'} no training epoch of training.epochs ${training.epochs} under budget "equal-steps" (raise training.epochs or lower the consolidation epochs)`;
}
