export { assertAbsoluteHostPath, assertPathUnderPrefix, isStrictlyBelow } from './check-path.js';
export { canonicalizeRuntimeRootPrefix } from './canonical-prefix.js';
export { assertNoSymlinkComponents, lstatOrNull } from './symlink-components.js';
export { ensureDirectoryUnder, resetDirectoryUnder } from './ensure-directory.js';
export { removeTree } from './remove-tree.js';
