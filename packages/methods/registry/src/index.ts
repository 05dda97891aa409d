export { METHODS, methodNames, getMethod, isMethodName, type MethodName } from './registry.js';
export { resolveHyperparameters, describeHyperparameters } from './validate.js';
export type { ClnpTaskDiagnostics } from '@clbench/method-clnp';
