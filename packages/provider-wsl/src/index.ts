export { ProviderError } from '@metalor/provider-core';
export type { ProviderErrorCode } from '@metalor/provider-core';
export { DEFAULT_WSL_DISTRO, WSL_EXE, installedWslDistros, parseWslListOutput, resolveWslDistro } from './distro.js';
export type { WslCallOptions, WslResolution } from './distro.js';
export { WslProvider } from './wsl-provider.js';
export {
  WORKER_REQUEST_ENV,
  WorkerTarget,
  appcontainerProfileName,
  backendCaps,
  buildWorkerBrokerCommand,
  loadRequest,
  loadRequestFromEnv,
  prepareWorkerRequest,
  validateApplicationId,
  validateWorkerTarget,
} from './worker.js';
/** The portable worker functions, shared with every host without namespaces (see `@metalor/cell-spec`). */
export { buildWorkerCommand, cellHostPath, copyWorkerExports, prepareWorkerJob, syncWorkerCaches } from '@metalor/cell-spec';
export type { WorkerCommand, WorkerJob } from '@metalor/cell-spec';
