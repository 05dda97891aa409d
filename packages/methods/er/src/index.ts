export { er, Er, type ErHyperparameters } from './er.js';
