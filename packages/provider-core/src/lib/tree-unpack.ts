import {
  chmodSync,
  chownSync,
  closeSync,
  fchmodSync,
  fchownSync,
  futimesSync,
  lchownSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { Header, Pax, type HeaderData } from 'tar';
import { ProviderError } from '../errors.js';
import { ExtractGuard } from './extract-guard.js';

const BLOCK = 512;

/** Where the bytes of the current entry body go. */
type BodySink =
  | { kind: 'file'; fd: number; header: EntryFields }
  | { kind: 'meta'; type: string; parts: Buffer[] }
  | { kind: 'skip' };

interface DirectoryMode {
  absolute: string;
  header: EntryFields;
}

/** An entry's header after pax and GNU long-name overrides. */
interface EntryFields {
  type: string;
  path: string;
  linkpath?: string | undefined;
  mode?: number | undefined;
  uid?: number | undefined;
  gid?: number | undefined;
  size: number;
  mtime?: Date | undefined;
  atime?: Date | undefined;
}

/** Entries whose body describes the next entry rather than being one. */
const META_TYPES = new Set(['ExtendedHeader', 'GlobalExtendedHeader', 'OldExtendedHeader', 'NextFileHasLongPath', 'NextFileHasLongLinkpath']);

const OVERRIDABLE = ['path', 'linkpath', 'mode', 'uid', 'gid', 'size', 'mtime', 'atime'] as const;

/** The block's own fields, then the global pax fields (never `path`), then the entry's own overrides. */
function entryFields(header: Header, extended: HeaderData | undefined, globalExtended: HeaderData | undefined): EntryFields {
  const fields: EntryFields = {
    type: header.type ?? 'File',
    path: header.path ?? '',
    linkpath: header.linkpath,
    mode: header.mode,
    uid: header.uid,
    gid: header.gid,
    size: header.size ?? 0,
    mtime: header.mtime,
    atime: header.atime,
  };
  const record = fields as unknown as Record<string, unknown>;
  for (const [overrides, global] of [[globalExtended, true], [extended, false]] as const) {
    if (!overrides) continue;
    for (const key of OVERRIDABLE) {
      const value = (overrides as Record<string, unknown>)[key];
      if (value !== undefined && value !== null && !(global && key === 'path')) record[key] = value;
    }
  }
  return fields;
}

/** The process umask as Linux reports it, without setting it as `process.umask()` must; undefined elsewhere. */
function readUmask(): number | undefined {
  try {
    const match = /^Umask:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'latin1'));
    return match ? Number.parseInt(match[1] as string, 8) : undefined;
  } catch {
    return undefined;
  }
}

function unsafe(message: string, cause?: unknown): ProviderError {
  return new ProviderError('ERR_METALOR_PROVIDER_BAD_ARCHIVE', message, cause === undefined ? undefined : { cause });
}

/**
 * Extracts a tar stream into a host directory, decoding headers with node-tar's `Header` and
 * `Pax` (ustar, pax and GNU long names) and writing with synchronous file-system calls, a few
 * per entry: node-tar's `Unpack` checks and re-checks every path asynchronously, which
 * dominates for trees of many small files. Modes are restored exactly (no umask), with owners
 * when running as root and mtimes; directory modes and times are applied last, so a read-only
 * directory can still be filled. Every entry first passes {@link ExtractGuard}.
 * Devices and FIFOs are refused.
 */
export class TreeUnpacker {
  private readonly guard: ExtractGuard;
  private readonly preserveOwner = process.getuid?.() === 0;
  private readonly ownUid = process.getuid?.();
  private readonly ownGid = process.getgid?.();
  private readonly umask = readUmask();
  private readonly directories: DirectoryMode[] = [];
  private readonly createdParents = new Set<string>();
  private pending: Buffer = Buffer.alloc(0);
  private sink: BodySink | undefined;
  private bodyRemaining = 0;
  private paddingRemaining = 0;
  private extended: HeaderData | undefined;
  private globalExtended: HeaderData | undefined;
  private ended = false;

  constructor(private readonly cwd: string) {
    this.guard = new ExtractGuard(cwd);
  }

  /** Consumes the next chunk of the archive. @throws {ProviderError} for bad archives or failed writes. */
  write(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length && !this.ended) {
      if (this.bodyRemaining > 0) {
        const take = Math.min(this.bodyRemaining, chunk.length - offset);
        this.consumeBody(chunk, offset, take);
        offset += take;
        this.bodyRemaining -= take;
        if (this.bodyRemaining === 0) this.finishBody();
      } else if (this.paddingRemaining > 0) {
        const take = Math.min(this.paddingRemaining, chunk.length - offset);
        offset += take;
        this.paddingRemaining -= take;
      } else {
        const need = BLOCK - this.pending.length;
        const take = Math.min(need, chunk.length - offset);
        if (this.pending.length === 0 && take === BLOCK) {
          // A whole header block in this chunk: decoded in place, no copy.
          offset += take;
          this.onHeader(chunk, offset - take);
        } else {
          this.pending = Buffer.concat([this.pending, chunk.subarray(offset, offset + take)]);
          offset += take;
          if (this.pending.length === BLOCK) {
            const block = this.pending;
            this.pending = Buffer.alloc(0);
            this.onHeader(block, 0);
          }
        }
      }
    }
  }

  /** Finishes: applies directory modes and times. @throws {ProviderError} when the archive was cut short. */
  end(): void {
    this.closeFile();
    if (!this.ended) throw unsafe('provider archive ended early: expected the end-of-archive blocks of a complete tar stream');
    for (const { absolute, header } of this.directories.reverse()) {
      this.wrap(absolute, () => {
        // A directory may have existed before, owned by someone else: always set its owner.
        if (this.preserveOwner && header.uid !== undefined && header.gid !== undefined) chownSync(absolute, header.uid, header.gid);
        chmodSync(absolute, (header.mode ?? 0o755) & 0o7777);
        if (header.mtime) utimesSync(absolute, header.atime ?? header.mtime, header.mtime);
      });
    }
  }

  /** As root, owners are restored; a newly created entry already belongs to us, so matching ones need no call. */
  private needsChown(header: EntryFields): boolean {
    if (!this.preserveOwner || header.uid === undefined || header.gid === undefined) return false;
    return header.uid !== this.ownUid || header.gid !== this.ownGid;
  }

  /**
   * The mode a file is created with: its final permission bits when the umask (read once, on
   * Linux) keeps them all, so no fchmod is needed; otherwise owner-only until its fchmod.
   * Set-id and sticky bits are always applied afterwards, as writing may clear them.
   */
  private creationMode(header: EntryFields): number {
    const mode = (header.mode ?? 0o644) & 0o7777;
    if (this.umask === undefined || (mode & 0o7000) !== 0 || (mode & this.umask) !== 0) return 0o600;
    return mode;
  }

  /** Releases an open file after a failure elsewhere. */
  abort(): void {
    this.closeFile();
  }

  private onHeader(block: Buffer, offset: number): void {
    const header = new Header(block, offset);
    if (header.nullBlock) {
      this.ended = true;
      return;
    }
    if (!header.cksumValid) throw unsafe('provider archive has a header with a bad checksum: expected a valid tar stream');
    const type = header.type ?? 'File';
    let size = header.size ?? 0;
    if (META_TYPES.has(type)) {
      this.sink = { kind: 'meta', type, parts: [] };
    } else {
      const fields = entryFields(header, this.extended, this.globalExtended);
      this.extended = undefined;
      // As node-tar does: a directory's size field is sometimes its stat size, never a body.
      size = fields.type === 'Directory' ? 0 : fields.size;
      this.sink = this.createEntry(fields);
    }
    this.bodyRemaining = size;
    this.paddingRemaining = (BLOCK - (size % BLOCK)) % BLOCK;
    if (this.bodyRemaining === 0) this.finishBody();
  }

  private createEntry(header: EntryFields): BodySink {
    const { type, path: entryPath } = header;
    if (!this.guard.filter(entryPath, { type, linkpath: header.linkpath })) throw this.guard.violation as ProviderError;
    const absolute = path.join(this.cwd, entryPath);
    switch (type) {
      case 'File':
      case 'OldFile':
      case 'ContiguousFile':
        return { kind: 'file', fd: this.create(absolute, () => openSync(absolute, 'wx', this.creationMode(header))), header };
      case 'Directory':
        this.makeDirectory(absolute);
        this.directories.push({ absolute, header });
        return { kind: 'skip' };
      case 'SymbolicLink':
        this.create(absolute, () => symlinkSync(header.linkpath ?? '', absolute));
        if (this.needsChown(header)) this.wrap(absolute, () => lchownSync(absolute, header.uid as number, header.gid as number));
        return { kind: 'skip' };
      case 'Link':
        this.create(absolute, () => linkSync(path.join(this.cwd, header.linkpath ?? ''), absolute));
        return { kind: 'skip' };
      default:
        throw unsafe(`refused provider archive entry ${JSON.stringify(entryPath)} of type ${type}: expected files, directories and links`);
    }
  }

  /** Takes `length` body bytes of `chunk` from `offset`. */
  private consumeBody(chunk: Buffer, offset: number, length: number): void {
    const sink = this.sink;
    if (sink?.kind === 'file') {
      let written = 0;
      try {
        while (written < length) written += writeSync(sink.fd, chunk, offset + written, length - written);
      } catch (error) {
        throw this.failure(sink.header.path, error);
      }
    } else if (sink?.kind === 'meta') sink.parts.push(Buffer.from(chunk.subarray(offset, offset + length)));
  }

  private finishBody(): void {
    const sink = this.sink;
    this.sink = undefined;
    if (sink?.kind === 'file') {
      const { fd, header } = sink;
      try {
        if (this.needsChown(header)) fchownSync(fd, header.uid as number, header.gid as number);
        const mode = (header.mode ?? 0o644) & 0o7777;
        if (this.creationMode(header) !== mode) fchmodSync(fd, mode);
        if (header.mtime) futimesSync(fd, header.atime ?? header.mtime, header.mtime);
      } catch (error) {
        throw this.failure(header.path, error);
      } finally {
        closeSync(fd);
      }
    } else if (sink?.kind === 'meta') this.applyMeta(sink.type, Buffer.concat(sink.parts).toString('utf8'));
  }

  private applyMeta(type: string, body: string): void {
    if (type === 'GlobalExtendedHeader') this.globalExtended = Pax.parse(body, this.globalExtended, true);
    else if (type === 'NextFileHasLongPath') this.extended = { ...this.extended, path: body.replace(/\0.*/s, '') };
    else if (type === 'NextFileHasLongLinkpath') this.extended = { ...this.extended, linkpath: body.replace(/\0.*/s, '') };
    else this.extended = Pax.parse(body, this.extended, false);
  }

  /** Runs a create step, replacing what is in the way (never a non-empty directory) and making missing parents. */
  private create<T>(absolute: string, make: () => T): T {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return make();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (attempt < 2 && code === 'ENOENT') this.makeParents(path.dirname(absolute));
        else if (attempt < 2 && code === 'EEXIST') this.removeInTheWay(absolute);
        else throw this.failure(absolute, error);
      }
    }
  }

  private removeInTheWay(absolute: string): void {
    this.wrap(absolute, () => (lstatSync(absolute).isDirectory() ? rmdirSync(absolute) : unlinkSync(absolute)));
  }

  private makeDirectory(absolute: string): void {
    try {
      mkdirSync(absolute, 0o700);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        this.makeParents(path.dirname(absolute));
        this.wrap(absolute, () => mkdirSync(absolute, 0o700));
      } else if (code === 'EEXIST') {
        if (!lstatSync(absolute).isDirectory()) {
          this.wrap(absolute, () => unlinkSync(absolute));
          this.wrap(absolute, () => mkdirSync(absolute, 0o700));
        }
      } else throw this.failure(absolute, error);
    }
  }

  private makeParents(directory: string): void {
    if (this.createdParents.has(directory)) return;
    this.wrap(directory, () => mkdirSync(directory, { recursive: true }));
    this.createdParents.add(directory);
  }

  private closeFile(): void {
    if (this.sink?.kind === 'file') closeSync(this.sink.fd);
    this.sink = undefined;
  }

  private wrap<T>(target: string, step: () => T): T {
    try {
      return step();
    } catch (error) {
      throw this.failure(target, error);
    }
  }

  private failure(target: string, error: unknown): ProviderError {
    if (error instanceof ProviderError) return error;
    return new ProviderError(
      'ERR_METALOR_PROVIDER_HOST_TAR_FAILED',
      `host failed to extract ${JSON.stringify(target)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
