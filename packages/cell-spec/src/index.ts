export { CellSpecError } from './errors.js';
export type { CellSpecErrorCode } from './errors.js';
