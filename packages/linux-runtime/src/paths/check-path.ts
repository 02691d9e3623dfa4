import path from 'node:path';
import { LinuxRuntimeError } from '../errors.js';

/**
 * Refuse a host path that is not absolute or that has a `..` segment.
 * Checked on the raw text, before normalisation could hide a `..`.
 *
 * @param value - the host path to check.
 * @param label - what the path is, for the error message (e.g. "package root").
 * @returns the normalised path (no trailing slash, no `.` segments).
 * @throws {LinuxRuntimeError} `ERR_METALOR_PATH_NOT_ABSOLUTE` when not absolute or not a non-empty string;
 *   `ERR_METALOR_PATH_PARENT_SEGMENT` when a segment is `..`.
 */
export function assertAbsoluteHostPath(value: string, label = 'path'): string {
  if (typeof value !== 'string' || value.length === 0 || !path.isAbsolute(value)) {
    throw new LinuxRuntimeError(
      'ERR_METALOR_PATH_NOT_ABSOLUTE',
      `${label} ${JSON.stringify(value)} is not an absolute path: expected a path starting with "/"`,
    );
  }
  if (value.includes('\0')) {
    throw new LinuxRuntimeError('ERR_METALOR_PATH_NOT_ABSOLUTE', `${label} ${JSON.stringify(value)} contains a NUL byte: expected a plain path`);
  }
  if (value.split('/').includes('..')) {
    throw new LinuxRuntimeError(
      'ERR_METALOR_PATH_PARENT_SEGMENT',
      `${label} ${JSON.stringify(value)} contains a ".." segment: expected a path without parent references`,
    );
  }
  return path.normalize(value).replace(/(.)\/+$/, '$1');
}

/**
 * Assert that `value` lies strictly below `canonicalPrefix` (never equal to it),
 * with no `..` segment. Purely textual: pair with {@link assertNoSymlinkComponents}.
 *
 * @param value - absolute host path.
 * @param canonicalPrefix - a prefix returned by {@link canonicalizeRuntimeRootPrefix}.
 * @param label - what the path is, for the error message.
 * @returns the normalised path.
 * @throws {LinuxRuntimeError} `ERR_METALOR_PATH_NOT_ABSOLUTE`, `ERR_METALOR_PATH_PARENT_SEGMENT`,
 *   or `ERR_METALOR_PATH_OUTSIDE_PREFIX` when the path is not below the prefix.
 */
export function assertPathUnderPrefix(value: string, canonicalPrefix: string, label = 'path'): string {
  const normalized = assertAbsoluteHostPath(value, label);
  const prefix = assertAbsoluteHostPath(canonicalPrefix, 'runtime root prefix');
  if (!isStrictlyBelow(normalized, prefix)) {
    throw new LinuxRuntimeError(
      'ERR_METALOR_PATH_OUTSIDE_PREFIX',
      `${label} ${JSON.stringify(value)} is not below the runtime root prefix ${JSON.stringify(prefix)}: expected a path inside it`,
    );
  }
  return normalized;
}

/** True when `child` is strictly below `parent` (both normalised absolute paths). */
export function isStrictlyBelow(child: string, parent: string): boolean {
  if (parent === '/') return child !== '/';
  return child.startsWith(`${parent}/`);
}
