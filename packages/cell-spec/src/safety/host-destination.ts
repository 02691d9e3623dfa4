import { lstat } from 'node:fs/promises';
import { CellSpecError } from '../errors.js';
import { assertHostPath } from '../spec/paths.js';

/**
 * Defence for host paths we write to (export destinations, cache sources on sync-back):
 * absolute, no `..`, and not itself a symlink, which would be ambiguous (replace the
 * link, or write where it points?). Checked before anything is written.
 *
 * @throws {CellSpecError} `ERR_METALOR_PATH_NOT_ABSOLUTE`, `ERR_METALOR_PATH_PARENT_COMPONENT`
 * or `ERR_METALOR_DESTINATION_SYMLINK`.
 */
export async function checkHostDestination(destination: string, context: string): Promise<void> {
  assertHostPath(destination, context);
  const stat = await lstat(destination).catch(() => undefined);
  if (stat?.isSymbolicLink()) {
    throw new CellSpecError(
      'ERR_METALOR_DESTINATION_SYMLINK',
      `${context} ${JSON.stringify(destination)} is a symlink: expected a file, a directory or nothing, so the copy neither follows nor replaces a link`,
    );
  }
}
