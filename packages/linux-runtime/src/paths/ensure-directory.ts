import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { LinuxRuntimeError } from '../errors.js';
import { assertPathUnderPrefix } from './check-path.js';
import { removeTree } from './remove-tree.js';
import { lstatOrNull } from './symlink-components.js';

/**
 * Create `target` (and its missing parents) below `canonicalPrefix`, one component at a
 * time, lstat-ing each: a symlink or a non-directory component is refused and nothing is
 * created through it. Concurrent creators are fine (EEXIST is re-checked).
 *
 * @param canonicalPrefix - a prefix returned by {@link canonicalizeRuntimeRootPrefix}.
 * @param target - absolute host path strictly below the prefix.
 * @param mode - mode for directories created here (default 0o755, before umask).
 * @returns the normalised target path.
 * @throws {LinuxRuntimeError} `ERR_METALOR_SYMLINK_COMPONENT`, `ERR_METALOR_NOT_A_DIRECTORY`,
 *   and the errors of {@link assertPathUnderPrefix}.
 */
export async function ensureDirectoryUnder(canonicalPrefix: string, target: string, mode = 0o755): Promise<string> {
  const normalized = assertPathUnderPrefix(target, canonicalPrefix);
  let current = canonicalPrefix;
  for (const part of path.relative(canonicalPrefix, normalized).split('/')) {
    current = path.join(current, part);
    await ensureOneDirectory(current, mode);
  }
  return normalized;
}

async function ensureOneDirectory(dir: string, mode: number): Promise<void> {
  let stats = await lstatOrNull(dir);
  if (stats === null) {
    try {
      await mkdir(dir, { mode });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      stats = await lstatOrNull(dir);
    }
  }
  if (stats?.isSymbolicLink()) {
    throw new LinuxRuntimeError('ERR_METALOR_SYMLINK_COMPONENT', `path component ${JSON.stringify(dir)} is a symlink: expected a real directory, symlinks are never followed`);
  }
  if (!stats?.isDirectory()) {
    throw new LinuxRuntimeError('ERR_METALOR_NOT_A_DIRECTORY', `path component ${JSON.stringify(dir)} is not a directory: expected a directory`);
  }
}

/**
 * Remove `target` if present and create it again as an empty directory, hardened as
 * {@link ensureDirectoryUnder}. A symlink at `target` itself is removed, never followed.
 *
 * @param canonicalPrefix - a prefix returned by {@link canonicalizeRuntimeRootPrefix}.
 * @param target - absolute host path strictly below the prefix.
 * @param mode - mode for directories created here (default 0o755, before umask).
 * @returns the normalised target path.
 * @throws {LinuxRuntimeError} as {@link ensureDirectoryUnder}.
 */
export async function resetDirectoryUnder(canonicalPrefix: string, target: string, mode = 0o755): Promise<string> {
  const normalized = assertPathUnderPrefix(target, canonicalPrefix);
  const parent = path.dirname(normalized);
  if (parent !== canonicalPrefix) await ensureDirectoryUnder(canonicalPrefix, parent, mode);
  await removeTree(normalized);
  return ensureDirectoryUnder(canonicalPrefix, normalized, mode);
}
