import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { Header, Pax } from 'tar';

const BLOCK = 512;
const ZEROS = Buffer.alloc(BLOCK * 2);
const END_OF_ARCHIVE = ZEROS;
const EMPTY = Buffer.alloc(0);

type EntryType = 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'FIFO' | 'CharacterDevice' | 'BlockDevice';

/** An archive path to visit; `regular` when its directory listed it as a regular file. */
interface PendingEntry {
  archivePath: string;
  regular: boolean;
}

// Never through a symlink, and never blocking on a FIFO swapped in after the listing; not on Windows.
const READ_FLAGS =
  constants.O_NOFOLLOW === undefined ? undefined : constants.O_RDONLY | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0);

/**
 * Opens what should be a regular file, never through a symlink, and stats the open file.
 * @throws the open error (ELOOP for a symlink, EACCES, ENOENT), or an error when it is no longer a regular file.
 */
function openRegularFile(absolute: string): { fd: number; stats: Stats } {
  const fd = openSync(absolute, READ_FLAGS ?? 'r');
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new Error(`${absolute} stopped being a regular file while it was packed`);
    return { fd, stats };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function byName(left: Dirent, right: Dirent): number {
  if (left.name < right.name) return -1;
  return left.name > right.name ? 1 : 0;
}

interface PendingFile {
  fd: number;
  remaining: number;
  /** Zeros after the content, up to the next 512-byte block. */
  padding: number;
}

/**
 * A tar archive of one host file or directory, with headers encoded by node-tar's `Header`
 * and `Pax`, laid into buffers the caller owns (so a transfer can reuse a few buffers instead
 * of allocating one per batch). node-tar's own `Pack` runs several asynchronous file-system
 * calls per entry, which dominates for trees of many small files; this walks the tree with
 * synchronous calls one buffer at a time, so the event loop is never held for long.
 * Keeps modes, owners, mtimes, symlinks (never followed), hard links, FIFOs and devices, and
 * empty directories. Sockets are skipped, as tar(1) does.
 */
export class TreePacker {
  /** Entries still to visit, last first. */
  private readonly pending: PendingEntry[];
  private readonly links = new Map<string, string>();
  private file: PendingFile | undefined;
  private finished = false;
  private batch: Buffer = EMPTY;
  private used = 0;
  private carry: Buffer | undefined;

  constructor(
    private readonly cwd: string,
    name: string,
  ) {
    this.pending = [{ archivePath: name, regular: false }];
  }

  /** True once the end-of-archive blocks have been handed out. */
  get done(): boolean {
    return this.finished && this.carry === undefined;
  }

  /**
   * Fills `target` with the next bytes of the archive (headers and file contents read straight
   * into it) and returns how many it holds: fewer than its length only at the end.
   * @throws the file-system error of an entry that cannot be read.
   */
  fill(target: Buffer): number {
    this.batch = target;
    this.used = 0;
    try {
      if (this.carry) {
        const carry = this.carry;
        this.carry = undefined;
        this.put(carry);
      }
      while (this.used < target.length && !this.finished) {
        if (this.file) this.readFileChunk();
        else if (this.pending.length > 0) this.packEntry(this.pending.pop() as PendingEntry);
        else {
          this.put(END_OF_ARCHIVE);
          this.finished = true;
        }
      }
    } catch (error) {
      this.close();
      throw error;
    } finally {
      this.batch = EMPTY;
    }
    return this.used;
  }

  /** Releases the open file, if any; for a transfer that stops early. */
  close(): void {
    if (this.file) closeSync(this.file.fd);
    this.file = undefined;
  }

  /** Copies bytes into the batch; what does not fit is carried into the next one. */
  private put(bytes: Buffer): void {
    const fits = Math.min(bytes.length, this.batch.length - this.used);
    bytes.copy(this.batch, this.used, 0, fits);
    this.used += fits;
    if (fits < bytes.length) {
      const rest = Buffer.from(bytes.subarray(fits));
      this.carry = this.carry ? Buffer.concat([this.carry, rest]) : rest;
    }
  }

  private packEntry(entry: PendingEntry): void {
    const { archivePath } = entry;
    const absolute = path.join(this.cwd, archivePath);
    if (entry.regular && READ_FLAGS !== undefined) {
      // The directory listing said "file": open it and stat the open file, one path lookup fewer.
      // Anything else it has become since (symlink, FIFO, gone) is looked at again with lstat.
      let opened: { fd: number; stats: Stats } | undefined;
      try {
        opened = openRegularFile(absolute);
      } catch {
        opened = undefined;
      }
      if (opened) return this.packFile(archivePath, opened.stats, opened.fd);
    }
    const stats = lstatSync(absolute);
    const type = entryType(stats);
    if (type === undefined) return;
    if (type === 'Directory') {
      this.writeHeader(stats, `${archivePath}/`, 'Directory', 0);
      const children = readdirSync(absolute, { withFileTypes: true }).sort(byName);
      for (let index = children.length - 1; index >= 0; index -= 1) {
        const child = children[index] as Dirent;
        this.pending.push({ archivePath: `${archivePath}/${child.name}`, regular: child.isFile() });
      }
      return;
    }
    if (type === 'SymbolicLink') {
      this.writeHeader(stats, archivePath, type, 0, readlinkSync(absolute));
      return;
    }
    if (type !== 'File') {
      this.writeHeader(stats, archivePath, type, 0);
      return;
    }
    // A symlink swapped in since the lstat is not followed; its own errors say what went wrong.
    const opened = openRegularFile(absolute);
    this.packFile(archivePath, opened.stats, opened.fd);
  }

  /** Packs an open regular file: a hard link to one packed before, or its header and contents. */
  private packFile(archivePath: string, stats: Stats, fd: number): void {
    if (stats.nlink > 1) {
      const key = `${stats.dev}:${stats.ino}`;
      const first = this.links.get(key);
      if (first !== undefined) {
        closeSync(fd);
        this.writeHeader(stats, archivePath, 'Link', 0, first);
        return;
      }
      this.links.set(key, archivePath);
    }
    try {
      this.writeHeader(stats, archivePath, 'File', stats.size);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    this.file = { fd, remaining: stats.size, padding: (BLOCK - (stats.size % BLOCK)) % BLOCK };
    if (stats.size > 0) this.readFileChunk();
    else this.close();
  }

  /** Reads the next piece of the open file into the batch; a file that shrank is padded with zeros, one that grew is cut. */
  private readFileChunk(): void {
    const file = this.file as PendingFile;
    const want = Math.min(file.remaining, this.batch.length - this.used);
    let filled = 0;
    while (filled < want) {
      const read = readSync(file.fd, this.batch, this.used + filled, want - filled, null);
      if (read === 0) {
        this.batch.fill(0, this.used + filled, this.used + want);
        break;
      }
      filled += read;
    }
    this.used += want;
    file.remaining -= want;
    if (file.remaining === 0) {
      this.close();
      if (file.padding > 0) this.put(ZEROS.subarray(0, file.padding));
    }
  }

  private writeHeader(
    stats: Stats,
    archivePath: string,
    type: EntryType,
    size: number,
    linkpath?: string,
  ): void {
    const fields = {
      path: archivePath,
      mode: stats.mode & 0o7777,
      uid: stats.uid,
      gid: stats.gid,
      size,
      mtime: stats.mtime,
      type,
      ...(linkpath === undefined ? {} : { linkpath }),
      ...(type === 'CharacterDevice' || type === 'BlockDevice' ? deviceNumbers(stats.rdev) : {}),
    };
    const header = new Header(fields);
    const at = this.used;
    if (this.carry === undefined && at + BLOCK <= this.batch.length) {
      // Encoded straight into the batch (node-tar leaves unused fields alone, so they are zeroed first).
      this.batch.fill(0, at, at + BLOCK);
      if (!header.encode(this.batch, at)) {
        this.used += BLOCK;
        return;
      }
    }
    // A path, link target or number that does not fit the ustar fields goes in a pax header first.
    if (header.encode()) this.put(new Pax(fields).encode());
    this.put(header.block as Buffer);
  }
}

function entryType(stats: Stats): EntryType | undefined {
  if (stats.isFile()) return 'File';
  if (stats.isDirectory()) return 'Directory';
  if (stats.isSymbolicLink()) return 'SymbolicLink';
  if (stats.isFIFO()) return 'FIFO';
  if (stats.isCharacterDevice()) return 'CharacterDevice';
  if (stats.isBlockDevice()) return 'BlockDevice';
  return undefined;
}

/** Linux `dev_t` major and minor numbers. */
function deviceNumbers(rdev: number): { devmaj: number; devmin: number } {
  const high = Math.floor(rdev / 2 ** 32);
  return {
    devmaj: (Math.floor(rdev / 2 ** 8) & 0xfff) | (high & ~0xfff),
    devmin: (rdev & 0xff) | (Math.floor(rdev / 2 ** 12) & 0xfff00),
  };
}
