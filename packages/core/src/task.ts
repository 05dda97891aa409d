/**
 * The data a continual-learning run consumes. Samples live in flat typed arrays
 * (never per-sample JS arrays): `x` is [n, ...inputShape] row-major, `y` the labels.
 * A split is either dense (`x` held) or a view over data shared by the process (`view`
 * set: rows are written on demand, e.g. uint8 pixels scaled and permuted per batch; its
 * `x` is then computed in full on first read, so the training loop never reads it).
 */
export interface Split {
  /** [n * prod(inputShape)]. On a view (`view` set) reading x computes every row and keeps the
   *  copy (~190 MB for full MNIST's training set): library code reads rows through copyRow,
   *  rowsOf, gather or forEachBatch instead (views.test.ts checks no source file reads it). */
  x: Float32Array;
  y: Int32Array;     // [n], labels in the task's output space
  n: number;
  view?: SplitView;
}

export interface SplitView {
  /** Values per sample (prod(inputShape)). */
  dim: number;
  /** Write the features of sample i into out[offset, offset + dim). */
  copyRow(i: number, out: Float32Array, offset: number): void;
}

export interface TaskData {
  id: number;             // task index in the *training order* (0 = first trained)
  name: string;           // e.g. "digits 0/1" or "permutation 3"
  classes: number[];      // original dataset classes in this task
  train: Split;
  validation: Split;
  test: Split;
}

export type Incremental = 'task' | 'domain' | 'class';

export interface Scenario {
  name: string;
  incremental: Incremental;
  inputShape: number[];   // e.g. [784] or [28, 28, 1]
  /** Output units of each head: multi-head (task-IL) has one head per task. */
  headOutputs: number[];
  tasks: TaskData[];
  /** Class-incremental only: the training cross-entropy covers the classes of the tasks trained so
   *  far only (seen-classes.ts; Hsu et al. 2018's code); absent = every output of the head. */
  seenClassesOnly?: boolean;
}

/** Which head a task uses: its own in task-incremental, the shared head 0 otherwise. */
export function headOf(scenario: Pick<Scenario, 'incremental'>, taskId: number): number {
  return scenario.incremental === 'task' ? taskId : 0;
}

export function inputSize(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
