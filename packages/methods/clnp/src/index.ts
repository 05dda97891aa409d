export { clnp, DEFAULT_ALPHA, type Clnp, type ClnpTaskDiagnostics } from './clnp.js';
export { chooseThresholds, keepMasks, meanActivity, PRUNE_ALL } from './prune.js';
export { reusedByEffect } from './reuse.js';
export { UnitOwners, FREE } from './units.js';
