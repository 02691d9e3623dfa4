import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { CellSpecError } from '../errors.js';
import { copyTree } from '../staging/copy-tree.js';

const TEMP_MARK = '.metalor-tmp-';
const ASIDE_MARK = '.metalor-old';

/** Where the old content waits while a directory is swapped: a fixed sibling, so recovery can find it. */
export function asidePath(destination: string): string {
  return path.join(path.dirname(destination), `.${path.basename(destination)}${ASIDE_MARK}`);
}

const exists = (file: string) => lstat(file).then(
  () => true,
  () => false,
);

/**
 * Finishes or rolls back a replacement that a killed process left half done: when the
 * destination is missing but its aside copy exists, the aside (the complete old content)
 * goes back; when both exist, the aside is leftover and is removed. Temporary copies
 * are removed. Safe to call at any time; never throws for a clean destination.
 */
export async function recoverInterruptedReplace(destination: string): Promise<void> {
  const aside = asidePath(destination);
  if (await exists(aside)) {
    if (await exists(destination)) await rm(aside, { recursive: true, force: true });
    else await rename(aside, destination);
  }
  const directory = path.dirname(destination);
  const prefix = `.${path.basename(destination)}${TEMP_MARK}`;
  const names = await readdir(directory).catch(() => [] as string[]);
  await Promise.all(
    names.filter((name) => name.startsWith(prefix)).map((name) => rm(path.join(directory, name), { recursive: true, force: true })),
  );
}

/**
 * Defence: replaces `destination` with a copy of `source` so that it always holds its
 * complete old content or the complete new one. The copy is built in a sibling
 * temporary path, then renamed into place. A file over a file is one atomic rename; when
 * a directory is involved the old one is renamed aside, the new one renamed in, the old
 * removed. If the process dies between those two renames, the next call for the same
 * destination (or {@link recoverInterruptedReplace}) puts the old content back.
 *
 * @throws {CellSpecError} `ERR_METALOR_COPY_FAILED` (the temporary copy is removed and
 * the destination left as it was), or `ERR_METALOR_SPECIAL_FILE`.
 */
export async function replaceAtomically(source: string, destination: string): Promise<void> {
  const directory = path.dirname(destination);
  const temporary = path.join(directory, `.${path.basename(destination)}${TEMP_MARK}${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(directory, { recursive: true });
    await recoverInterruptedReplace(destination);
    await copyTree(source, temporary);
    const incoming = await lstat(temporary);
    const current = await lstat(destination).catch(() => undefined);
    if (!current || (!current.isDirectory() && !incoming.isDirectory())) {
      await rename(temporary, destination);
      return;
    }
    const aside = asidePath(destination);
    await rename(destination, aside);
    await rename(temporary, destination);
    await rm(aside, { recursive: true, force: true });
  } catch (error) {
    await rm(temporary, { recursive: true, force: true }).catch(() => undefined);
    if (error instanceof CellSpecError) throw error;
    throw new CellSpecError(
      'ERR_METALOR_COPY_FAILED',
      `failed to copy ${JSON.stringify(source)} to ${JSON.stringify(destination)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
