import { CellSpecError } from '../errors.js';

// Case- and Unicode-folded, so `Link/x` counts as passing through `link` on macOS and Windows too.
const fold = (components: readonly string[]): string => components.join('/').normalize('NFD').toLowerCase();

/**
 * Defence: no entry is written through a symlink that an earlier entry of the same
 * archive created (the classic "symlink then file under it" escape), and no hard link
 * points through one.
 */
export class SymlinkTraversalGuard {
  private readonly symlinks = new Set<string>();

  constructor(private readonly archive: string) {}

  /** Throws when a proper prefix of `components` is a symlink from this archive. */
  check(entryPath: string, components: readonly string[], what = 'entry'): void {
    for (let length = 1; length < components.length; length += 1) {
      const prefix = components.slice(0, length);
      if (this.symlinks.has(fold(prefix))) {
        throw new CellSpecError(
          'ERR_METALOR_ARCHIVE_SYMLINK_TRAVERSAL',
          `workspace archive ${JSON.stringify(this.archive)} ${what} ${JSON.stringify(entryPath)} passes through the symlink ${JSON.stringify(prefix.join('/'))} it created: expected no path through a symlink`,
        );
      }
    }
  }

  /** Remembers a symlink entry; any other entry at that path replaces it, so forget it then. */
  record(components: readonly string[], isSymlink: boolean): void {
    if (isSymlink) this.symlinks.add(fold(components));
    else this.symlinks.delete(fold(components));
  }
}
