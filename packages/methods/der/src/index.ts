export { der, Der, darkReplayLoss, type DerHyperparameters } from './der.js';
export { LogitMemory, type LogitDraw } from './logit-memory.js';
