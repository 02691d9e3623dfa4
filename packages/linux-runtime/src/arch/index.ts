export { hostArch, normalizeArchName, ociArchName, qemuBinaryName } from './arch-names.js';
export type { LinuxArch, OciArch } from './arch-names.js';
export { RUN_HELPER_DIR, backendCaps, helperBinaryPath } from './helper-dir.js';
export type { BackendCaps } from './helper-dir.js';
export { prepareRuntimeEmulator } from './emulator.js';
