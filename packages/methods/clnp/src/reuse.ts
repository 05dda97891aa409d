/**
 * Reuse by effect: which units of finished tasks a new task actually uses.
 *
 * Definition: an earlier task's unit i of hidden layer l is *reused* by task t when cutting
 * it out of t's computation — zeroing its outgoing weights into t's own units of layer l+1,
 * or into t's head when l is the last hidden layer — lowers t's validation accuracy by more
 * than `tolerance`. Counting non-zero weights instead (the earlier measure) says nothing:
 * after training every weight from an earlier unit into t's units is non-zero, so "reused"
 * was just the running total of earlier units.
 *
 * Why ablation: CLNP (Golkar, Kagan & Cho 2019, arXiv 1903.04476, §3) lets t's units read
 * every earlier active unit ("feature reuse") but defines no measure of it; the effect of
 * removing a unit on the task's accuracy is the standard test of whether a network relies on
 * it (Morcos et al. 2018, "On the importance of single directions for generalization",
 * arXiv 1803.06959: ablating single units). It counts a connected but irrelevant unit as not
 * reused and a unit the task depends on as reused, which a weight- or activity-share
 * threshold cannot guarantee. Limits, stated: units are ablated one at a time, so two
 * redundant units that each alone can be spared both count as not reused; and only direct
 * reads count (t reading earlier unit j of layer l+1, which reads i, is reuse of j, not of i).
 * Two computations of the same trials:
 *  - `reusedByAblation` (any network): cut the weights, run the network on the split, restore
 *    every weight bit for bit — one full validation pass per earlier unit;
 *  - `reusedByEffectDense` (dense layers only, used when it applies): cutting unit i's weights
 *    into t's units of layer l+1 changes only their pre-activations, by −a_i·W[i, u], so each
 *    trial starts from activations cached once and recomputes only layers above l — for the
 *    last hidden layer a rank-1 change of t's logits. Tests check both give the same answer.
 */
import { accuracy, featureCount, rowsOf, tf, type Network, type Split } from '@clbench/core';
import type { UnitOwners } from './units.js';

export interface ReuseResult { reused: number[]; evaluations: number }

/** Per hidden layer, the number of earlier tasks' units that task `task` (head `head`) reuses by effect, measured on `split`. */
export function reusedByEffect(net: Network, owners: UnitOwners, task: number, head: number, split: Split, tolerance: number): ReuseResult {
  return net.layers.every((l) => l.kind === 'dense')
    ? reusedByEffectDense(net, owners, task, head, split, tolerance)
    : reusedByAblation(net, owners, task, head, () => accuracy(net, split, head), tolerance);
}

/**
 * The weights that read hidden layer l for task `task`: into t's own units of layer l+1, or into
 * t's head (`head`) when l is the last hidden layer. Rows are layer l's units (`unitOfRow`; a
 * conv layer's kernel positions map to their channel), columns the reading units (`readsForTask`).
 * Shared by both reuse measures (ablation here, weight mass in reuse-mass.ts).
 */
export function taskReaders(net: Network, owners: UnitOwners, l: number, task: number, head: number) {
  const last = l + 1 === net.layers.length;
  const W = last ? net.heads[head].W : net.layers[l + 1].W;
  return {
    last, W, cols: W.shape[W.shape.length - 1]!,
    unitOfRow: (r: number) => (last ? net.headInputUnitOfRow(r) : net.layers[l + 1].inputUnitOfRow(r)),
    readsForTask: (c: number) => last || owners.owner[l + 1][c] === task,
  };
}

/** Earlier tasks' units of layer l (owner in [0, task)). */
const earlierUnits = (owners: UnitOwners, l: number, task: number) => [...owners.owner[l].keys()].filter((i) => owners.owner[l][i] >= 0 && owners.owner[l][i] < task);

/** The trials by cutting weights and running the whole network (`accuracy` evaluates it). */
export function reusedByAblation(net: Network, owners: UnitOwners, task: number, head: number, accuracy: () => number, tolerance: number): ReuseResult {
  const base = accuracy();
  let evaluations = 1;
  const reused = net.layers.map((_, l) => {
    const { W: target, cols, unitOfRow: rowUnit, readsForTask: readsFor } = taskReaders(net, owners, l, task, head);
    const original = Float32Array.from(target.dataSync());
    let count = 0;
    for (const i of earlierUnits(owners, l, task)) {
      const cut = Float32Array.from(original);
      let connected = false;
      for (let r = 0; r < cut.length / cols; r++) {
        if (rowUnit(r) !== i) continue;
        for (let c = 0; c < cols; c++) if (readsFor(c) && cut[r * cols + c] !== 0) { cut[r * cols + c] = 0; connected = true; }
      }
      if (!connected) continue; // no weight from i into t's units: nothing to remove
      tf.tidy(() => target.assign(tf.tensor(cut, target.shape)));
      const acc = accuracy();
      evaluations++;
      if (base - acc > tolerance) count++;
    }
    tf.tidy(() => target.assign(tf.tensor(original, target.shape)));
    return count;
  });
  return { reused, evaluations };
}

/**
 * The same trials for dense networks, from cached activations (evaluation mode: no dropout).
 * Layer l+1's pre-activation with unit i cut from t's units u: P[:, u] − a_i·W[i, u]; then the
 * layers above are recomputed from it. A trial whose cut weights are all zero is skipped.
 */
export function reusedByEffectDense(net: Network, owners: UnitOwners, task: number, head: number, split: Split, tolerance: number): ReuseResult {
  if (split.n === 0) return { reused: net.layers.map(() => 0), evaluations: 0 };
  const L = net.layers.length, H = net.heads[head];
  let evaluations = 0;
  return tf.tidy(() => {
    const y = tf.tensor1d(split.y, 'int32');
    const acc = (logits: tf.Tensor) => logits.argMax(1).equal(y).sum().dataSync()[0] / Math.max(split.n, 1);
    const x = rowsOf(split, Array.from({ length: split.n }, (_, i) => i)); // a view split stays a view (its x is not cached)
    const { activations, logits } = net.forward(tf.tensor2d(x, [split.n, featureCount(split)]), head);
    const base = acc(logits);
    evaluations++;
    /** logits of head `head` from layer k's output h (layers k+1.. recomputed) */
    const above = (h: tf.Tensor, k: number): tf.Tensor => {
      for (let j = k + 1; j < L; j++) h = tf.relu(tf.matMul(h as tf.Tensor2D, net.layers[j].W as tf.Tensor2D).add(net.layers[j].b));
      return tf.matMul(h as tf.Tensor2D, H.W as tf.Tensor2D).add(H.b);
    };
    const reused = net.layers.map((_, l) => {
      const { last, W, cols, readsForTask } = taskReaders(net, owners, l, task, head);
      const Wd = W.dataSync();
      const reads = Float32Array.from({ length: cols }, (_c, c) => (readsForTask(c) ? 1 : 0));
      const out = last ? logits : tf.matMul(activations[l] as tf.Tensor2D, W as tf.Tensor2D).add(net.layers[l + 1].b); // logits, or layer l+1's pre-activation
      let count = 0;
      for (const i of earlierUnits(owners, l, task)) {
        const row = Float32Array.from(reads, (r, c) => r * Wd[i * cols + c]);
        if (row.every((v) => v === 0)) continue;
        const trial = tf.tidy(() => {
          const changed = out.sub(tf.outerProduct(activations[l].slice([0, i], [split.n, 1]).reshape([split.n]) as tf.Tensor1D, tf.tensor1d(row)));
          return acc(last ? changed : above(tf.relu(changed), l + 1));
        });
        evaluations++;
        if (base - trial > tolerance) count++;
      }
      return count;
    });
    return { reused, evaluations };
  });
}
