import {
  chmodSync,
  constants,
  copyFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
  utimesSync,
  type Dirent,
  type Stats,
} from 'node:fs';
import { copyFile, utimes } from 'node:fs/promises';
import path from 'node:path';
import { CellSpecError } from '../errors.js';

// Small files are copied with synchronous calls: for a 1 KiB file the promise and thread
// pool round trips cost more than the copy itself. Large files go to the thread pool, a
// few at a time, and copy in the background while the walk goes on.
const LARGE_FILE_BYTES = 1024 * 1024;
const LARGE_FILES_IN_FLIGHT = 4;
// Synchronous work is cut into slices so timers, signals and I/O callbacks still run.
const SLICE_MS = 10;
const COPY_FLAGS = constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE;

interface PendingDirectory {
  source: string;
  destination: string;
  stat: Stats;
  exists: boolean;
}

function refuseSpecial(source: string, stat: Stats | Dirent): never {
  const kind = stat.isFIFO() ? 'FIFO' : stat.isSocket() ? 'socket' : 'device node';
  throw new CellSpecError('ERR_METALOR_SPECIAL_FILE', `cannot copy ${kind} ${JSON.stringify(source)}: expected a file, directory or symlink`);
}

/** Copies one regular file: a reflink where the filesystem has them, mode and times kept. */
function copySmallFile(source: string, destination: string, stat: Stats): void {
  copyFileSync(source, destination, COPY_FLAGS);
  utimesSync(destination, stat.atime, stat.mtime);
}

async function copyLargeFile(source: string, destination: string, stat: Stats): Promise<void> {
  await copyFile(source, destination, COPY_FLAGS);
  await utimes(destination, stat.atime, stat.mtime);
}

class TreeCopier {
  private readonly directories: PendingDirectory[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private sliceStarted = performance.now();

  async copyDirectory(root: PendingDirectory): Promise<void> {
    try {
      await this.walk(root);
    } finally {
      // Never return, even with an error, while a background copy still writes.
      await Promise.allSettled(this.inFlight);
    }
    await Promise.all(this.inFlight);
    // Deepest first: a directory's mode and times are set after everything inside it is written.
    for (let index = this.directories.length - 1; index >= 0; index -= 1) {
      const directory = this.directories[index]!;
      chmodSync(directory.destination, directory.stat.mode & 0o7777);
      utimesSync(directory.destination, directory.stat.atime, directory.stat.mtime);
    }
  }

  private async walk(root: PendingDirectory): Promise<void> {
    const stack = [root];
    for (let next = stack.pop(); next; next = stack.pop()) {
      // Owner-writable while filling, so read-only source directories can still be copied.
      if (!next.exists) mkdirSync(next.destination, { mode: 0o700 });
      this.directories.push(next);
      for (const entry of readdirSync(next.source, { withFileTypes: true })) {
        const source = path.join(next.source, entry.name);
        const destination = path.join(next.destination, entry.name);
        if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), destination);
        else if (entry.isDirectory()) stack.push({ source, destination, stat: lstatSync(source), exists: false });
        else if (!entry.isFile()) refuseSpecial(source, entry);
        else {
          const stat = lstatSync(source);
          if (stat.size < LARGE_FILE_BYTES) copySmallFile(source, destination, stat);
          else await this.startLargeCopy(source, destination, stat);
        }
        if (performance.now() - this.sliceStarted >= SLICE_MS) await this.yieldToEventLoop();
      }
    }
  }

  private async startLargeCopy(source: string, destination: string, stat: Stats): Promise<void> {
    while (this.inFlight.size >= LARGE_FILES_IN_FLIGHT) await Promise.race(this.inFlight);
    const copy: Promise<void> = copyLargeFile(source, destination, stat).finally(() => this.inFlight.delete(copy));
    this.inFlight.add(copy);
  }

  private async yieldToEventLoop(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.sliceStarted = performance.now();
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
  const stat = lstatSync(source);
  if (stat.isSymbolicLink()) return symlinkSync(readlinkSync(source), destination);
  if (stat.isFile()) return copyLargeFile(source, destination, stat);
  if (!stat.isDirectory()) refuseSpecial(source, stat);
  await new TreeCopier().copyDirectory({ source, destination, stat, exists: false });
}

/**
 * Copies the entries of directory `source` into the existing directory `destination`
 * and gives `destination` the source's mode and times.
 */
export async function copyDirectoryContents(source: string, destination: string): Promise<void> {
  await new TreeCopier().copyDirectory({ source, destination, stat: lstatSync(source), exists: true });
}
