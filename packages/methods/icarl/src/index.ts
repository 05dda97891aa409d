export { icarl, Icarl, normalisedFeatures, type IcarlHyperparameters } from './icarl.js';
export { herdingSelection, l2NormaliseRows } from './herding.js';
export { exemplarMean, nearestMeanLabels } from './nme.js';
export { icarlLoss, icarlTargets } from './loss.js';
export { ExemplarSets } from './exemplars.js';
