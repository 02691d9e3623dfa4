export { LinuxRuntimeError } from './errors.js';
export type { LinuxRuntimeErrorCode } from './errors.js';
export {
  RUN_HELPER_DIR,
  backendCaps,
  helperBinaryPath,
  hostArch,
  normalizeArchName,
  ociArchName,
  prepareRuntimeEmulator,
  qemuBinaryName,
} from './arch/index.js';
export type { BackendCaps, LinuxArch, OciArch } from './arch/index.js';
export {
  ROOTFS_VIEW_FILE,
  buildOverlayMountOptions,
  listRootfsViewDirectory,
  normalizeOciReference,
  parseRootfsView,
  prepareOciRootfs,
  readRootfsView,
  resolveRootfsViewPath,
  rootfsWriteTarget,
} from './oci/index.js';
export type {
  OciProgressEvent,
  OciProgressListener,
  PrepareOciRootfsOptions,
  RootfsView,
  RootfsViewEntry,
  ToolFailure,
} from './oci/index.js';
export {
  LINUX_RUNNER_PATH,
  ROOT_SENTINEL_FILE,
  buildUnshareReexecCommand,
  formatRunnerArgs,
  linuxRunnerEntry,
  parseRunnerArgs,
  probeRootlessUserns,
  runBuildCell,
  runIsolatedContainerCommand,
  validateContainerRunCommand,
} from './exec/index.js';
export type {
  BindMount,
  CommandPlan,
  ContainerRunCommand,
  LinuxNamespaceBackend,
  LinuxNamespaceProbe,
  RunnerRequest,
} from './exec/index.js';
export { buildCellReexecCommand, finalizeBuildCell } from './cell/index.js';
export { runCell, runContainer } from './run/index.js';
export type { LineCallback, RunEndReason, RunOptions, RunResult, RunStdio } from './run/index.js';
