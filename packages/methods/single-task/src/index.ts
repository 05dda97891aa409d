export { singleTask, SingleTask } from './single-task.js';
