export { CellSpecError } from './errors.js';
export type { CellSpecErrorCode } from './errors.js';
export type {
  BackendCaps,
  BuildCellResult,
  BuildCellSpec,
  CacheSpec,
  CellPath,
  CleanupPolicy,
  CommandSpec,
  ExportSpec,
  HostPath,
  ImportSpec,
  NetworkPolicy,
  ResourceLimits,
  WorkspaceSeed,
} from './spec/types.js';
export {
  MAX_LIMIT_VALUE,
  backendCapsSchema,
  buildCellResultSchema,
  buildCellSpecSchema,
  cacheSpecSchema,
  cleanupPolicySchema,
  commandSpecSchema,
  envPairSchema,
  exportSpecSchema,
  importSpecSchema,
  networkPolicySchema,
  resourceLimitsSchema,
  workspaceSeedSchema,
} from './spec/schema.js';
export type { BuildCellSpecInput } from './spec/schema.js';
export { isUnbounded } from './spec/limits.js';
export { parseBuildCellSpec, validateBuildCellSpec } from './spec/validate.js';
export { decodeBuildCellRequest, encodeBuildCellRequest } from './wire/request-codec.js';
export {
  BUILD_CELL_REQUEST_FILE,
  buildCellRequestPath,
  readBuildCellRequest,
  writeBuildCellRequest,
} from './wire/request-file.js';
export { buildCellRequestJsonSchema } from './wire/json-schema.js';
export { cellHostPath, prepareWorkerJob } from './staging/worker-job.js';
export type { WorkerJob } from './staging/worker-job.js';
export { buildWorkerCommand } from './staging/worker-command.js';
export type { WorkerCommand } from './staging/worker-command.js';
export { copyWorkerExports, syncWorkerCaches } from './staging/worker-sync.js';
export { ARCHIVE_MAX_DEPTH } from './safety/archive-depth.js';
export { recoverInterruptedReplace } from './safety/atomic-replace.js';
