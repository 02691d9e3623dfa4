export { ProviderError } from '@metalor/provider-core';
export type { ProviderErrorCode } from '@metalor/provider-core';
export { AppleLinuxProvider, DEFAULT_APPLE_LINUX_BUNDLE } from './apple-provider.js';
export type { AppleLinuxProviderOptions } from './apple-provider.js';
export {
  HELPER_REQUEST_ENV,
  HelperTarget,
  backendCaps,
  helperEnvironment,
  loadRequest,
  loadRequestFromEnv,
  prepareHelperRequest,
  validateBundleIdentifier,
  validateHelperTarget,
  validateServiceName,
} from './helper-target.js';
export {
  HELPER_INFO_PLIST_TEMPLATE,
  NETWORKED_HELPER_ENTITLEMENTS_TEMPLATE,
  OFFLINE_HELPER_ENTITLEMENTS_TEMPLATE,
  renderHelperInfoPlist,
} from './templates.js';
export type { HelperInfoPlistValues } from './templates.js';
/** The portable worker functions, shared with every host without namespaces (see `@metalor/cell-spec`). */
export { buildWorkerCommand, cellHostPath, copyWorkerExports, prepareWorkerJob, syncWorkerCaches } from '@metalor/cell-spec';
export type { WorkerCommand, WorkerJob } from '@metalor/cell-spec';
