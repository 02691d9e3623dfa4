import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { LinuxRuntimeError } from '../errors.js';
import { assertAbsoluteHostPath, isStrictlyBelow } from './check-path.js';

/**
 * Assert that no existing component of `target` below `base` is a symlink.
 * Components that do not exist yet are fine (nothing can be followed through them);
 * the walk stops at the first missing one.
 *
 * @param target - absolute host path to check.
 * @param base - where the walk starts (itself not checked); defaults to `/`.
 * @throws {LinuxRuntimeError} `ERR_METALOR_SYMLINK_COMPONENT` naming the symlinked component;
 *   `ERR_METALOR_NOT_A_DIRECTORY` when an intermediate component is not a directory;
 *   the path errors of {@link assertAbsoluteHostPath}.
 */
export async function assertNoSymlinkComponents(target: string, base = '/'): Promise<void> {
  const normalized = assertAbsoluteHostPath(target);
  const start = assertAbsoluteHostPath(base, 'base');
  if (normalized === start) return;
  if (!isStrictlyBelow(normalized, start)) {
    throw new LinuxRuntimeError('ERR_METALOR_PATH_OUTSIDE_PREFIX', `path ${JSON.stringify(target)} is not below ${JSON.stringify(start)}: expected a path inside it`);
  }
  const parts = path.relative(start, normalized).split('/');
  let current = start;
  for (const [index, part] of parts.entries()) {
    current = path.join(current, part);
    const stats = await lstatOrNull(current);
    if (stats === null) return;
    if (stats.isSymbolicLink()) {
      throw new LinuxRuntimeError('ERR_METALOR_SYMLINK_COMPONENT', `path component ${JSON.stringify(current)} is a symlink: expected a real directory or file, symlinks are never followed`);
    }
    if (index < parts.length - 1 && !stats.isDirectory()) {
      throw new LinuxRuntimeError('ERR_METALOR_NOT_A_DIRECTORY', `path component ${JSON.stringify(current)} is not a directory: expected a directory`);
    }
  }
}

/** lstat that maps ENOENT to null and rethrows anything else. */
export async function lstatOrNull(file: string) {
  try {
    return await lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
