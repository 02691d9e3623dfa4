export type { LineCallback, RunEndReason, RunOptions, RunResult, RunStdio } from './options.js';
export { runCell, runContainer } from './run.js';
