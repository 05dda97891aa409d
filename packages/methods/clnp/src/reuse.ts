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
 * Cost: one validation pass per earlier unit with a non-zero weight into t's units.
 * Every weight is restored bit for bit after each trial.
 */
import { tf, type Network } from '@clbench/core';
import type { UnitOwners } from './units.js';

export interface ReuseResult { reused: number[]; evaluations: number }

/** Per hidden layer, the number of earlier tasks' units that task `task` (head `head`) reuses by effect. */
export function reusedByEffect(net: Network, owners: UnitOwners, task: number, head: number, accuracy: () => number, tolerance: number): ReuseResult {
  const L = net.layers.length;
  const base = accuracy();
  let evaluations = 1;
  const reused = net.layers.map((_, l) => {
    const own = owners.owner[l];
    // the weights that read layer l for task t: t's units of layer l+1, or t's head
    const last = l + 1 === L;
    const target = last ? net.heads[head].W : net.layers[l + 1].W;
    const cols = target.shape[target.shape.length - 1]!;
    const rowUnit = (r: number) => (last ? net.headInputUnitOfRow(r) : net.layers[l + 1].inputUnitOfRow(r));
    const readsFor = (c: number) => last || owners.owner[l + 1][c] === task;
    const original = Float32Array.from(target.dataSync());
    let count = 0;
    for (let i = 0; i < own.length; i++) {
      if (own[i] < 0 || own[i] >= task) continue; // free, or not an earlier task's unit
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
