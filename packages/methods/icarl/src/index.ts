export { icarl, Icarl, type IcarlHyperparameters } from './icarl.js';
