import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, type Stats } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Header, Pax } from 'tar';

const BLOCK = 512;
const BATCH_BYTES = 512 * 1024;
const READ_BYTES = 1024 * 1024;

type EntryType = 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'FIFO' | 'CharacterDevice' | 'BlockDevice';

interface PendingFile {
  fd: number;
  remaining: number;
  /** Zeros after the content, up to the next 512-byte block. */
  padding: number;
}

/**
 * A tar stream of one host file or directory, with headers encoded by node-tar's `Header` and
 * `Pax`. node-tar's own `Pack` runs several asynchronous file-system calls per entry, which
 * dominates for trees of many small files; this walks the tree with synchronous calls a batch
 * at a time (about 512 KiB per read), so the event loop is never held for long.
 * Keeps modes, owners, mtimes, symlinks (never followed), hard links, FIFOs and devices, and
 * empty directories. Sockets are skipped, as tar(1) does.
 */
export class TreePackStream extends Readable {
  /** Archive paths still to visit, last first. */
  private readonly pending: string[];
  private readonly links = new Map<string, string>();
  private file: PendingFile | undefined;
  private finished = false;

  constructor(
    private readonly cwd: string,
    name: string,
  ) {
    super({ highWaterMark: BATCH_BYTES });
    this.pending = [name];
  }

  override _read(): void {
    const chunks: Buffer[] = [];
    let size = 0;
    const push = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
    };
    try {
      while (size < BATCH_BYTES && !this.finished) {
        if (this.file) this.readFileChunk(push);
        else if (this.pending.length > 0) this.packEntry(this.pending.pop() as string, push);
        else {
          push(Buffer.alloc(BLOCK * 2));
          this.finished = true;
        }
      }
    } catch (error) {
      this.closeFile();
      this.destroy(error as Error);
      return;
    }
    if (size > 0) this.push(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    if (this.finished) this.push(null);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.closeFile();
    callback(error);
  }

  private packEntry(archivePath: string, push: (chunk: Buffer) => void): void {
    const absolute = path.join(this.cwd, archivePath);
    const stats = lstatSync(absolute);
    const type = entryType(stats);
    if (type === undefined) return;
    if (type === 'Directory') {
      this.writeHeader(push, stats, `${archivePath}/`, 'Directory', 0);
      const children = readdirSync(absolute).sort().reverse();
      for (const child of children) this.pending.push(`${archivePath}/${child}`);
      return;
    }
    if (type === 'SymbolicLink') {
      this.writeHeader(push, stats, archivePath, type, 0, readlinkSync(absolute));
      return;
    }
    if (type !== 'File') {
      this.writeHeader(push, stats, archivePath, type, 0);
      return;
    }
    if (stats.nlink > 1) {
      const key = `${stats.dev}:${stats.ino}`;
      const first = this.links.get(key);
      if (first !== undefined) {
        this.writeHeader(push, stats, archivePath, 'Link', 0, first);
        return;
      }
      this.links.set(key, archivePath);
    }
    this.writeHeader(push, stats, archivePath, 'File', stats.size);
    if (stats.size > 0) {
      this.file = { fd: openSync(absolute, 'r'), remaining: stats.size, padding: (BLOCK - (stats.size % BLOCK)) % BLOCK };
      this.readFileChunk(push);
    }
  }

  /** Reads the next piece of the open file; a file that shrank is padded with zeros, one that grew is cut. */
  private readFileChunk(push: (chunk: Buffer) => void): void {
    const file = this.file as PendingFile;
    const buffer = Buffer.allocUnsafe(Math.min(file.remaining, READ_BYTES));
    let filled = 0;
    while (filled < buffer.length) {
      const read = readSync(file.fd, buffer, filled, buffer.length - filled, null);
      if (read === 0) {
        buffer.fill(0, filled);
        break;
      }
      filled += read;
    }
    push(buffer);
    file.remaining -= buffer.length;
    if (file.remaining === 0) {
      this.closeFile();
      if (file.padding > 0) push(Buffer.alloc(file.padding));
    }
  }

  private closeFile(): void {
    if (this.file) closeSync(this.file.fd);
    this.file = undefined;
  }

  private writeHeader(
    push: (chunk: Buffer) => void,
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
    // A path, link target or number that does not fit the ustar fields goes in a pax header first.
    if (header.encode()) push(new Pax(fields).encode());
    push(header.block as Buffer);
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
