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
