import * as tar from 'tar';
import { CellSpecError } from '../errors.js';
import { ARCHIVE_MAX_DEPTH, checkEntryDepth } from './archive-depth.js';
import { checkEntryPath } from './archive-entry-path.js';
import { checkEntryType } from './archive-entry-type.js';
import { checkHardlinkTarget, checkSymlinkTarget } from './archive-link-target.js';
import { SymlinkTraversalGuard } from './archive-symlink-traversal.js';

const SUFFIXES = ['.tar.gz', '.tgz', '.tar'];

/** Throws unless the archive name ends in `.tar`, `.tar.gz` or `.tgz`. */
export function checkArchiveFormat(archive: string): void {
  if (!SUFFIXES.some((suffix) => archive.endsWith(suffix))) {
    throw new CellSpecError(
      'ERR_METALOR_ARCHIVE_FORMAT',
      `unsupported workspace archive format ${JSON.stringify(archive)}: expected .tar, .tar.gz or .tgz`,
    );
  }
}

interface EntryLike {
  path: string;
  type: string;
  linkpath?: string | undefined;
}

/** Runs every defence on one entry, in archive order, before node-tar writes it. */
function checkEntry(archive: string, guard: SymlinkTraversalGuard, entry: EntryLike): void {
  const components = checkEntryPath(archive, entry.path);
  checkEntryDepth(archive, entry.path, components);
  checkEntryType(archive, entry.path, entry.type);
  guard.check(entry.path, components);
  if (entry.type === 'SymbolicLink') checkSymlinkTarget(archive, entry.path, components, entry.linkpath ?? '');
  if (entry.type === 'Link') {
    const target = checkHardlinkTarget(archive, entry.path, entry.linkpath ?? '');
    guard.check(entry.linkpath ?? '', [...target, ''], 'hard link target');
  }
  guard.record(components, entry.type === 'SymbolicLink');
}

/**
 * Unpacks a `.tar`, `.tar.gz` or `.tgz` archive into the existing directory
 * `destination`. Each entry passes our defences (absolute paths, `..`, paths through
 * symlinks made earlier in the archive, link targets outside, device nodes and FIFOs,
 * nesting beyond {@link ARCHIVE_MAX_DEPTH}) before node-tar, run in strict mode with its
 * own defences, writes it. The first refused entry stops the unpacking: it and every
 * entry after it are skipped, and the refusal is thrown.
 *
 * @throws {CellSpecError} `ERR_METALOR_ARCHIVE_FORMAT`, `ERR_METALOR_ARCHIVE_UNSAFE_PATH`,
 * `ERR_METALOR_ARCHIVE_TOO_DEEP`, `ERR_METALOR_ARCHIVE_SPECIAL_FILE`,
 * `ERR_METALOR_ARCHIVE_SYMLINK_TRAVERSAL`, `ERR_METALOR_ARCHIVE_LINK_ESCAPE`, or
 * `ERR_METALOR_ARCHIVE_UNPACK` for an unreadable or corrupt archive.
 */
export async function unpackArchive(archive: string, destination: string): Promise<void> {
  checkArchiveFormat(archive);
  const guard = new SymlinkTraversalGuard(archive);
  let refusal: unknown;
  try {
    await tar.x({
      file: archive,
      cwd: destination,
      strict: true,
      preservePaths: false,
      preserveOwner: false,
      unlink: true,
      maxDepth: ARCHIVE_MAX_DEPTH + 1,
      filter: (_path, entry) => {
        if (refusal) return false;
        try {
          checkEntry(archive, guard, entry as EntryLike);
          return true;
        } catch (error) {
          refusal = error;
          return false;
        }
      },
    });
  } catch (error) {
    if (refusal) throw refusal;
    throw new CellSpecError(
      'ERR_METALOR_ARCHIVE_UNPACK',
      `failed to unpack workspace archive ${JSON.stringify(archive)} into ${JSON.stringify(destination)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (refusal) throw refusal;
}
