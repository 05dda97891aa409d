export { clnp, DEFAULT_ALPHA, type Clnp, type ClnpTaskDiagnostics } from './clnp.js';
export { chooseThresholds, keepMasks, meanActivity, PRUNE_ALL } from './prune.js';
export { reusedByAblation, reusedByEffect, reusedByEffectDense } from './reuse.js';
export { UnitOwners, FREE } from './units.js';
