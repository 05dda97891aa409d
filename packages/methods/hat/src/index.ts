export { hat, Hat, type HatHyperparameters } from './hat.js';
