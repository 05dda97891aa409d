/**
 * Seen-classes heads (class-incremental; the split scenario's `seenClassesOnly`): the training
 * cross-entropy's softmax covers only the classes of the tasks trained so far, the current one
 * included; the outputs of classes no task has shown yet are left out of the normaliser and get
 * no gradient. Hsu et al. 2018, "Re-evaluating Continual Learning Scenarios" (arXiv 1810.12488),
 * code GT-RIPL/Continual-Learning-Benchmark, agents/default.py `criterion`:
 *   pred = preds['All'][:, :self.valid_out_dim]      (valid_out_dim grows by a task's classes)
 * Their evaluation (`validation` → `accumulate_acc`) reads every output, unmasked: so does ours.
 * Here the seen classes need not be a prefix (orderings), so a 0/1 matrix picks their columns:
 * logits [N, C] · P [C, S] — a matMul, as wasm has no gradient for tf.gather (lwf.ts does the same);
 * its gradient g · Pᵀ is exactly 0 in every unseen column.
 */
import { tf } from './backend.js';
import type { TaskData } from './task.js';

/** The classes (labels of the shared head) the tasks hold, ascending, each once. */
export function seenClasses(tasks: readonly Pick<TaskData, 'classes'>[]): number[] {
  return [...new Set(tasks.flatMap((t) => t.classes))].sort((a, b) => a - b);
}

/** P [outputs, |classes|]: column c is 1 at row classes[c], 0 elsewhere. */
export function classSelection(classes: readonly number[], outputs: number): tf.Tensor2D {
  const m = new Float32Array(outputs * classes.length);
  classes.forEach((label, c) => {
    if (label < 0 || label >= outputs) throw new Error(`class ${label} outside the head's ${outputs} outputs`);
    m[label * classes.length + c] = 1;
  });
  return tf.tensor2d(m, [outputs, classes.length]);
}

/** Mean cross-entropy of the softmax over the selected classes only: −(1/N) Σ_n log softmax(z_n P)_{y_n}.
 *  Every label y must be among the selected classes (a label outside gets a zero target row). */
export function selectedCrossEntropy(logits: tf.Tensor2D, y: tf.Tensor1D, selection: tf.Tensor2D): tf.Scalar {
  const outputs = selection.shape[0];
  const targets = tf.matMul(tf.oneHot(y, outputs).toFloat(), selection);   // [N, S]: the label's column among the seen
  return tf.losses.softmaxCrossEntropy(targets, tf.matMul(logits, selection)) as tf.Scalar;
}
