export { mas, Mas, masImportance, type MasHyperparameters } from './mas.js';
