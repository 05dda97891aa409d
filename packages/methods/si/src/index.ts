export { si, Si, type SiHyperparameters } from './si.js';
