import { lstat, mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where the runner mounts in every cell: `proc`, the `/dev` nodes, `resolv.conf`. */
const RUNNER_MOUNT_TARGETS: readonly (readonly [cellPath: string, kind: 'dir' | 'file'])[] = [
  ['/proc', 'dir'],
  ['/dev/null', 'file'],
  ['/dev/zero', 'file'],
  ['/dev/random', 'file'],
  ['/dev/urandom', 'file'],
  ['/etc/resolv.conf', 'file'],
];

async function kindOf(file: string): Promise<'dir' | 'other' | null> {
  try {
    const stats = await lstat(file);
    return stats.isDirectory() ? 'dir' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Create one missing target below `rootfs`; stop at anything unexpected (the runner judges it). */
async function addMountTarget(rootfs: string, cellPath: string, kind: 'dir' | 'file'): Promise<void> {
  const parts = cellPath.split('/').filter(Boolean);
  let current = rootfs;
  for (const [index, part] of parts.entries()) {
    current = path.join(current, part);
    const last = index === parts.length - 1;
    const found = await kindOf(current);
    if (found === null) {
      // The image's directory keeps its times: only the entry is ours.
      const parent = await lstat(path.dirname(current));
      if (last && kind === 'file') await writeFile(current, '', { flag: 'wx', mode: 0o644 });
      else await mkdir(current, { mode: 0o755 });
      await utimes(path.dirname(current), parent.atime, parent.mtime);
    } else if (found !== 'dir' || last) {
      return;
    }
  }
}

/**
 * Give a freshly unpacked cached rootfs the (empty) mount targets the runner needs in every
 * cell, where the image lacks them. A fresh copy-on-write view then needs nothing created
 * in it before mounting, so the runner mounts it in the same `mount -a` as the rest
 * (one process fewer per launch). Symlinks and entries of another type are left alone.
 */
export async function addMountTargets(rootfs: string): Promise<void> {
  for (const [cellPath, kind] of RUNNER_MOUNT_TARGETS) await addMountTarget(rootfs, cellPath, kind);
}
