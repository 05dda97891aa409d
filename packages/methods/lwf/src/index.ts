export { lwf, Lwf, type LwfHyperparameters } from './lwf.js';
