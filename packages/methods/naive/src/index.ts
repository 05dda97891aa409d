export { naive } from './naive.js';
