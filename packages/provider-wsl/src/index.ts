export { ProviderError } from '@metalor/provider-core';
export type { ProviderErrorCode } from '@metalor/provider-core';
