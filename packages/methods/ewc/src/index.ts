export { ewc, Ewc, type EwcHyperparameters } from './ewc.js';
