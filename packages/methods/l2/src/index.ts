export { l2, L2, type L2Hyperparameters } from './l2.js';
