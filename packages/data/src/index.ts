export { subset, indicesByClass, type Dataset, type Labeled } from './dataset.js';
export { loadEmbeddedMnist } from './mnist-embedded.js';
export { buildScenario, type ScenarioOptions } from './scenarios.js';
export { rotateImages } from './rotate.js';
export { expandOrderings } from './orderings.js';
export { datasetFacts, type DatasetFacts } from './facts.js';
export { loadDataset, checkDataset, scenarioForRun, usesImages } from './load.js';
export { readIdx, readIdxPair, findIdxFile, idxFiles, loadIdxDataset, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, type IdxArray } from './idx.js';
export { readCifarFiles, cifarFiles, loadCifar, loadCifar10, loadCifar100, loadCifar10And100, CIFAR10_DIR, CIFAR100_DIR, type CifarName } from './cifar.js';
