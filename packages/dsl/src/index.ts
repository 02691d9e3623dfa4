export { DslError } from './errors.js';
export type { DslErrorCode } from './errors.js';
