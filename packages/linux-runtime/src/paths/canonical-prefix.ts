import { realpath, stat } from 'node:fs/promises';
import { LinuxRuntimeError } from '../errors.js';
import { assertAbsoluteHostPath } from './check-path.js';

/**
 * Canonicalise the runtime root prefix: it must be an absolute path to an existing
 * directory; symlinks in it are resolved once, here, so every later check compares
 * against the real location.
 *
 * @param prefix - the caller's runtime root prefix.
 * @returns the realpath of the prefix.
 * @throws {LinuxRuntimeError} `ERR_METALOR_PATH_NOT_ABSOLUTE`, `ERR_METALOR_PATH_PARENT_SEGMENT`,
 *   `ERR_METALOR_PREFIX_INVALID` when it does not exist or is not a directory, or is `/`.
 */
export async function canonicalizeRuntimeRootPrefix(prefix: string): Promise<string> {
  assertAbsoluteHostPath(prefix, 'runtime root prefix');
  let real: string;
  try {
    real = await realpath(prefix);
  } catch (error) {
    throw new LinuxRuntimeError(
      'ERR_METALOR_PREFIX_INVALID',
      `runtime root prefix ${JSON.stringify(prefix)} cannot be resolved (${(error as NodeJS.ErrnoException).code ?? String(error)}): expected an existing directory`,
      { cause: error },
    );
  }
  if (real === '/') {
    throw new LinuxRuntimeError('ERR_METALOR_PREFIX_INVALID', `runtime root prefix ${JSON.stringify(prefix)} resolves to "/": expected a dedicated directory`);
  }
  if (!(await stat(real)).isDirectory()) {
    throw new LinuxRuntimeError('ERR_METALOR_PREFIX_INVALID', `runtime root prefix ${JSON.stringify(prefix)} is not a directory: expected an existing directory`);
  }
  return real;
}
