import { readFileSync, rmdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { removeTree } from '../paths/index.js';
import { parseRootfsView, ROOTFS_VIEW_FILE } from './rootfs-view.js';

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/**
 * After a cell of `root` has ended: when `root` is a copy-on-write view, remove the
 * `work/incompat/volatile/dirty` marker that a `volatile` overlay mount leaves in its work
 * directory, without which overlayfs refuses the next mount. The shipped runner mounts
 * views volatile (no sync of the upper file system when the cell ends) only for callers
 * that pass a run token and do this: `runContainer` and `runCell`. A plain root, or one
 * that is gone, is left alone. Synchronous calls: three removals cost less than a trip
 * through the thread pool.
 *
 * @throws the file system error when the marker exists but cannot be removed.
 */
export async function clearVolatileViewMarker(root: string): Promise<void> {
  let text: string;
  try {
    text = readFileSync(path.join(root, ROOTFS_VIEW_FILE), 'utf8');
  } catch {
    return;
  }
  let work: string;
  try {
    work = path.join(parseRootfsView(text).workdir, 'work');
  } catch {
    return; // The runner refused it; nothing was mounted.
  }
  const incompat = path.join(work, 'incompat');
  try {
    unlinkSync(path.join(incompat, 'volatile', 'dirty'));
    rmdirSync(path.join(incompat, 'volatile'));
    rmdirSync(incompat);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    // Not root: overlay leaves work/ with mode 000; or something unexpected inside.
    await removeTree(work);
  }
}
