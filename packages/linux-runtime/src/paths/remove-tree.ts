import { chmod, lstat, readdir, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * `rm -rf` that also removes trees a non-root user cannot read: overlayfs leaves its
 * `work/work` directory with mode 000, which a plain recursive rm cannot descend into
 * without root. On EACCES/EPERM the directories are made owner-accessible (symlinks are
 * never followed) and the removal is retried once. A missing path is fine.
 *
 * @throws the file system error when the tree still cannot be removed.
 */
export async function removeTree(target: string): Promise<void> {
  try {
    await rm(target, { recursive: true, force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw error;
    await makeDirectoriesAccessible(target);
    await rm(target, { recursive: true, force: true });
  }
}

async function makeDirectoriesAccessible(dir: string): Promise<void> {
  const stats = await lstat(dir).catch(() => null);
  if (!stats?.isDirectory()) return;
  await chmod(dir, (stats.mode & 0o7777) | 0o700).catch(() => undefined);
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    await makeDirectoriesAccessible(path.join(dir, name));
  }
}
