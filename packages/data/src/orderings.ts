/**
 * Task orderings: explicit lists, or N random permutations drawn from an ordering seed
 * (the first being the natural order when includeIdentity is set). An empty list means
 * the natural order 0..T-1.
 */
import { Rng, type Suite } from '@clbench/core';

export function expandOrderings(cfg: Suite['orderings'], tasks: number): number[][] {
  const identity = [...Array(tasks).keys()];
  if ('explicit' in cfg) {
    return cfg.explicit.map((o, k) => {
      if (o.length === 0) return identity;
      const sorted = [...o].sort((a, b) => a - b);
      if (o.length !== tasks || sorted.some((v, i) => v !== i)) {
        throw new Error(`orderings.explicit[${k}]: must be a permutation of 0..${tasks - 1}, got [${o.join(', ')}]`);
      }
      return o;
    });
  }
  const rng = new Rng(`orderings:${cfg.seed}`);
  return Array.from({ length: cfg.random }, (_, k) => (k === 0 && cfg.includeIdentity ? identity : Array.from(rng.permutation(tasks))));
}
