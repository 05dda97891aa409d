export { l1Change, L1Change, type L1ChangeHyperparameters } from './l1-change.js';
