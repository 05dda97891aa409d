/**
 * CLNP's capacity forecast (Golkar, Kagan & Cho 2019, arXiv 1903.04476, §3: pruning leaves "free
 * neurons" for future tasks): per hidden layer after a task, the units each finished task took,
 * the units still free, and how many more tasks of the size seen so far fit. Plain array work on
 * the unit owners once per task; it reads nothing from the network and changes nothing.
 */
import { FREE } from './units.js';

export interface LayerCapacity {
  layer: number;
  units: number;
  free: number;
  /** Units the task just finished took in this layer. */
  taken: number;
  /** Mean units per finished task in this layer (units owned / tasks finished). */
  meanTaken: number;
  /** floor(free / meanTaken): tasks of that size that still fit; null when tasks take none here. */
  tasksThatFit: number | null;
}

/** The forecast after `task`, with `finished` tasks done so far (task included), from the owner map. */
export function forecastCapacity(owner: readonly Int32Array[], task: number, finished: number): LayerCapacity[] {
  return owner.map((layer, l) => {
    let free = 0, taken = 0;
    for (const o of layer) { if (o === FREE) free++; else if (o === task) taken++; }
    const meanTaken = (layer.length - free) / finished;
    return { layer: l, units: layer.length, free, taken, meanTaken, tasksThatFit: meanTaken > 0 ? Math.floor(free / meanTaken) : null };
  });
}

/** One line when the `remaining` tasks of the suite may not fit in some layer at the size seen so far; else null. */
export function capacityForecastWarning(forecast: readonly LayerCapacity[], task: number, remaining: number): string | null {
  const short = forecast.filter((c) => c.tasksThatFit !== null && c.tasksThatFit < remaining);
  if (!short.length || remaining <= 0) return null;
  const each = short.map((c) => `layer ${c.layer} has ${c.free} of ${c.units} units free and tasks have taken ${c.meanTaken.toFixed(1)} each, room for ${c.tasksThatFit}`);
  return `clnp: after task ${task}, the ${remaining} remaining task${remaining > 1 ? 's' : ''} may not fit at this sparsity (forecast at the mean size so far; later tasks often take fewer units): ${each.join('; ')} (a stronger alpha or a larger margin frees more units)`;
}
