import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LinuxRuntimeError } from '../errors.js';
import { assertNoSymlinkComponents, assertPathUnderPrefix, ensureDirectoryUnder, lstatOrNull } from '../paths/index.js';
import { ROOT_SENTINEL_FILE } from './constants.js';

/**
 * Make sure `root` is a real directory below the canonical prefix (no symlinked
 * component) and holds the sentinel `.metalor-root` whose content is the prefix:
 * the inner runner refuses any root without it.
 *
 * @returns the normalised root path.
 * @throws {LinuxRuntimeError} `ERR_METALOR_PATH_OUTSIDE_PREFIX`, `ERR_METALOR_SYMLINK_COMPONENT`,
 *   `ERR_METALOR_NOT_A_DIRECTORY`, `ERR_METALOR_SENTINEL_INVALID` (sentinel is a symlink or not a file).
 */
export async function prepareRuntimeRoot(canonicalPrefix: string, root: string): Promise<string> {
  const normalized = assertPathUnderPrefix(root, canonicalPrefix, 'runtime root');
  await assertNoSymlinkComponents(normalized, canonicalPrefix);
  await ensureDirectoryUnder(canonicalPrefix, normalized);
  const sentinel = path.join(normalized, ROOT_SENTINEL_FILE);
  const stats = await lstatOrNull(sentinel);
  if (stats && !stats.isFile()) {
    throw new LinuxRuntimeError('ERR_METALOR_SENTINEL_INVALID', `root sentinel ${JSON.stringify(sentinel)} is ${stats.isSymbolicLink() ? 'a symlink' : 'not a regular file'}: expected a regular file`);
  }
  // Rewritten only when it differs: a launch should not cost a write.
  if (!stats || (await readFile(sentinel, 'utf8')) !== canonicalPrefix) {
    await writeFile(sentinel, canonicalPrefix, { mode: 0o644 });
  }
  return normalized;
}
