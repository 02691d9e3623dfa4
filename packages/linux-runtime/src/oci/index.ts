export { prepareOciRootfs } from './prepare.js';
export type { PrepareOciRootfsOptions } from './options.js';
export type { OciProgressEvent, OciProgressListener } from './progress.js';
export { normalizeOciReference } from './reference.js';
export {
  ROOTFS_VIEW_FILE,
  buildOverlayMountOptions,
  listRootfsViewDirectory,
  parseRootfsView,
  readRootfsView,
  resolveRootfsViewPath,
  rootfsWriteTarget,
} from './rootfs-view.js';
export type { RootfsView, RootfsViewEntry } from './rootfs-view.js';
export type { ToolFailure } from './run-tool.js';
