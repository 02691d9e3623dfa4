export { LinuxRuntimeError } from './errors.js';
export type { LinuxRuntimeErrorCode } from './errors.js';
