export { clnp, type Clnp, type ClnpTaskDiagnostics } from './clnp.js';
export { chooseThresholds, keepMasks, meanActivity } from './prune.js';
export { UnitOwners, FREE } from './units.js';
