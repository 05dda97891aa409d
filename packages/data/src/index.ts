export { subset, indicesByClass, type Dataset, type Labeled } from './dataset.js';
export { loadEmbeddedMnist } from './mnist-embedded.js';
export { buildScenario, type ScenarioOptions } from './scenarios.js';
export { rotateImages } from './rotate.js';
export { expandOrderings } from './orderings.js';
export { loadDataset, scenarioForRun, usesImages } from './load.js';
