export { gdumb, Gdumb, type GdumbHyperparameters, type RetrainingRecord } from './gdumb.js';
export { BalancedMemory, type HeadRows } from './balanced-memory.js';
