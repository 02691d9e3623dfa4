export { ProviderError } from './errors.js';
export type { ProviderErrorCode, ProviderErrorDetails } from './errors.js';
export {
  LOCAL_LINUX_PROVIDER_KINDS,
  LOCAL_LINUX_PROVIDER_SELECTIONS,
  parseProviderKind,
  parseProviderSelection,
} from './selection.js';
export type { LocalLinuxProviderKind, LocalLinuxProviderSelection } from './selection.js';
export {
  PROVIDER_METADATA_FILE,
  PROVIDER_RUNTIME_LAYOUT_VERSION,
  parseProviderMetadataEnv,
  providerMetadataPath,
  readProviderMetadataEnv,
  renderProviderMetadataEnv,
  validateProviderMetadata,
  writeProviderMetadataEnv,
} from './metadata.js';
export type { ProviderRuntimeMetadata } from './metadata.js';
export { ProviderRuntimeLayout } from './layout.js';
export { CommandShell, resolveShellCommand } from './shell.js';
export type {
  CommandShellOptions,
  CommandShellQuoting,
  ProviderShell,
  ProviderShellFunction,
  ProviderShellLike,
  ShellCommand,
} from './shell.js';
export { shellQuote } from './lib/shell-quote.js';
export { ProviderSession } from './session.js';
export type { ProviderRunResult, ProviderSessionOptions, RemoteJobRoot, WarmState } from './session.js';
export { decodeConsoleOutput, runHostCommand } from './host-command.js';
export type { HostCommandOptions, HostCommandResult } from './host-command.js';
export { validateDottedIdentifier } from './identifier.js';
export { requestPathFromEnv } from './request-env.js';
