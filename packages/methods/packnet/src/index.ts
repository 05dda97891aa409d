export { packnet, PackNet, FREE, smallestMagnitudes, type PackNetHyperparameters } from './packnet.js';
