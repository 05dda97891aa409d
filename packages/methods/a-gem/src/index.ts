export { aGem, AGem, type AGemHyperparameters } from './a-gem.js';
