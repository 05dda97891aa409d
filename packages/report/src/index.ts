export { stat, tQuantile975, type Stat } from './stats.js';
export { summaryMarkdown } from './summary.js';
