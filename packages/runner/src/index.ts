export { loadSuite, parseSuite, InputError, formatZodIssue, formatPath } from './suite-file.js';
export { expandMatrix, runIdOf, canonicalJson, CODE_VERSION, type RunSpec } from './matrix.js';
export { executeRun, peakRss, type ExecuteOptions } from './execute.js';
export { ResultsStore, readResults } from './store.js';
export { runSuite, type RunSuiteOptions, type SuiteSummary } from './run-suite.js';
