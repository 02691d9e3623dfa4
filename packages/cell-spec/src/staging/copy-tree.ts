import { constants, type Dirent, type Stats } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, readdir, readlink, symlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import { CellSpecError } from '../errors.js';
import { TaskPool } from './task-pool.js';

// libuv runs file operations on a small thread pool; a few dozen in flight keep it busy.
const COPY_CONCURRENCY = 32;

interface CopiedDirectory {
  destination: string;
  stat: Stats;
}

function refuseSpecial(source: string, stat: Stats | Dirent): never {
  const kind = stat.isFIFO() ? 'FIFO' : stat.isSocket() ? 'socket' : 'device node';
  throw new CellSpecError('ERR_METALOR_SPECIAL_FILE', `cannot copy ${kind} ${JSON.stringify(source)}: expected a file, directory or symlink`);
}

async function copyRegularFile(source: string, destination: string, stat: Stats): Promise<void> {
  // A reflink when the filesystem can share blocks; libuv falls back to copy_file_range/sendfile.
  // copyFile also carries the mode over.
  await copyFile(source, destination, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
  await utimes(destination, stat.atime, stat.mtime);
}

async function copySymlink(source: string, destination: string): Promise<void> {
  await symlink(await readlink(source), destination);
}

class TreeCopier {
  private readonly pool = new TaskPool(COPY_CONCURRENCY);
  private readonly directories: CopiedDirectory[] = [];

  async copyDirectory(source: string, destination: string, stat: Stats, destinationExists: boolean): Promise<void> {
    this.pool.add(() => this.visitDirectory(source, destination, stat, destinationExists));
    await this.pool.done();
    // Deepest first: a directory's mode and times are set after everything inside it is written.
    for (const directory of this.directories.reverse()) {
      await chmod(directory.destination, directory.stat.mode & 0o7777);
      await utimes(directory.destination, directory.stat.atime, directory.stat.mtime);
    }
  }

  private async visitDirectory(source: string, destination: string, stat: Stats, exists: boolean): Promise<void> {
    // Owner-writable while filling, so read-only source directories can still be copied.
    if (!exists) await mkdir(destination, { mode: 0o700 });
    this.directories.push({ destination, stat });
    const entries = await readdir(source, { withFileTypes: true });
    for (const entry of entries) {
      const from = path.join(source, entry.name);
      const to = path.join(destination, entry.name);
      if (entry.isSymbolicLink()) this.pool.add(() => copySymlink(from, to));
      else if (entry.isDirectory()) this.pool.add(async () => this.visitDirectory(from, to, await lstat(from), false));
      else if (entry.isFile()) this.pool.add(async () => copyRegularFile(from, to, await lstat(from)));
      else refuseSpecial(from, entry);
    }
  }
}

/**
 * Copies `source` (file, symlink or directory tree) to `destination`, which must not
 * exist. Symlinks are recreated as links and never followed; modes and modification
 * times are kept.
 *
 * @throws {CellSpecError} `ERR_METALOR_SPECIAL_FILE` for a FIFO, socket or device node;
 * file system errors pass through for the caller to wrap.
 */
export async function copyTree(source: string, destination: string): Promise<void> {
  const stat = await lstat(source);
  if (stat.isSymbolicLink()) return copySymlink(source, destination);
  if (stat.isFile()) return copyRegularFile(source, destination, stat);
  if (!stat.isDirectory()) refuseSpecial(source, stat);
  await new TreeCopier().copyDirectory(source, destination, stat, false);
}

/**
 * Copies the entries of directory `source` into the existing directory `destination`
 * and gives `destination` the source's mode and times.
 */
export async function copyDirectoryContents(source: string, destination: string): Promise<void> {
  const stat = await lstat(source);
  await new TreeCopier().copyDirectory(source, destination, stat, true);
}
