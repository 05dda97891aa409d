/**
 * Reuse by weight mass: how much of what a new task reads from a layer comes from earlier
 * tasks' units, as a share of |weight|.
 *
 * Definition: for task t and hidden layer l, the weights that read layer l for t are those into
 * t's own units of layer l+1, or into t's head when l is the last hidden layer (the same weights
 * reuse.ts ablates). reusedMass[l] = Σ |W[i, u]| over earlier tasks' units i (owner in [0, t))
 * / Σ |W[i, u]| over every unit i of layer l; null when no weight reads layer l for t (t took no
 * unit in layer l+1). Conv weights [k, k, c_in, c_out] sum the kernel positions of a channel.
 *
 * Why a second measure: CLNP (Golkar, Kagan & Cho 2019, arXiv 1903.04476, §3) claims new tasks
 * reuse earlier units ("feature reuse", more in earlier layers) but defines no measure. Ablation
 * (reuse.ts) counts the units a task depends on one at a time; the mass share says how much of
 * the input t learned to draw from old units, including many small reads no single ablation
 * reveals. With L1 on activations every old → new weight is non-zero after training, so a count
 * of non-zero weights says nothing; a share of mass can still be small. Free units are severed
 * from active ones (units.ts), so the denominator is old units + t's own units.
 */
import type { Network } from '@clbench/core';
import { taskReaders } from './reuse.js';
import type { UnitOwners } from './units.js';

/** Per hidden layer, the share of the |weight| mass reading layer l for task `task` (head `head`) that comes from earlier tasks' units; null where nothing reads it. */
export function reusedMass(net: Network, owners: UnitOwners, task: number, head: number): (number | null)[] {
  return net.layers.map((_, l) => {
    const { W, cols, unitOfRow, readsForTask } = taskReaders(net, owners, l, task, head);
    const w = W.dataSync();
    let earlier = 0, all = 0, reads = 0;
    for (let r = 0; r < w.length / cols; r++) {
      const owner = owners.owner[l][unitOfRow(r)];
      for (let c = 0; c < cols; c++) {
        if (!readsForTask(c)) continue;
        reads++;
        const m = Math.abs(w[r * cols + c]);
        all += m;
        if (owner >= 0 && owner < task) earlier += m;
      }
    }
    if (reads === 0) return null;
    return all > 0 ? earlier / all : 0;
  });
}
