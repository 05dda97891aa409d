export { gdumb, Gdumb, type GdumbHyperparameters } from './gdumb.js';
