export { ProviderError } from './errors.js';
export type { ProviderErrorCode } from './errors.js';
