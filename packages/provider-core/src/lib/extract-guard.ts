import { lstatSync } from 'node:fs';
import path from 'node:path';
import { ProviderError } from '../errors.js';

/** The parts of a node-tar entry the guard looks at. */
interface GuardedEntry {
  type: string;
  linkpath?: string | undefined;
}

/**
 * Guards an extraction that keeps absolute symlink targets (node-tar's `preservePaths`),
 * putting back the defences that option turns off: no absolute or `..` entry paths, no
 * hard links leaving the tree, and nothing written through a symlink, whether the archive
 * made that symlink earlier or it already existed under the destination.
 */
export class ExtractGuard {
  /** The first refused entry, if any. */
  violation: ProviderError | undefined;
  private readonly symlinks = new Set<string>();
  private readonly safeDirs = new Set<string>();
  /** Parent paths whose every ancestor was checked since the archive last made a symlink. */
  private readonly checkedParents = new Set<string>();

  constructor(private readonly cwd: string) {}

  /** node-tar `filter`: false (and a recorded violation) for any entry that breaks a rule. */
  readonly filter = (entryPath: string, entry: unknown): boolean => {
    const { type, linkpath } = entry as GuardedEntry;
    const parts = splitEntryPath(entryPath);
    if (parts === undefined) return this.refuse(entryPath, 'a relative path without ".." components');
    if (type === 'Link') {
      const target = linkpath === undefined ? undefined : splitEntryPath(linkpath);
      if (target === undefined) return this.refuse(entryPath, `a hard link inside the archive, not to ${JSON.stringify(linkpath)}`);
      // link(2) follows symlinks in the target's directories.
      for (let depth = 1; depth < target.length; depth += 1) {
        const ancestor = target.slice(0, depth).join('/');
        if (this.throughSymlink(ancestor)) return this.refuse(entryPath, `a hard link target with no symlink on its way, but ${JSON.stringify(ancestor)} is one`);
      }
    }
    const parent = parts.slice(0, -1).join('/');
    if (!this.checkedParents.has(parent)) {
      for (let depth = 1; depth < parts.length; depth += 1) {
        const ancestor = parts.slice(0, depth).join('/');
        if (this.throughSymlink(ancestor)) return this.refuse(entryPath, `no symlink on its way, but ${JSON.stringify(ancestor)} is one`);
      }
      this.checkedParents.add(parent);
    }
    const key = parts.join('/');
    if (type === 'SymbolicLink') {
      this.symlinks.add(key);
      // A new symlink may sit on the way of any parent checked before.
      this.checkedParents.clear();
    } else this.symlinks.delete(key);
    return true;
  };

  private throughSymlink(ancestor: string): boolean {
    if (this.symlinks.has(ancestor)) return true;
    if (this.safeDirs.has(ancestor)) return false;
    try {
      if (lstatSync(path.join(this.cwd, ancestor)).isSymbolicLink()) return true;
    } catch {
      // Missing: the archive will create it as a directory.
    }
    this.safeDirs.add(ancestor);
    return false;
  }

  private refuse(entryPath: string, expected: string): false {
    this.violation ??= new ProviderError(
      'ERR_METALOR_PROVIDER_UNSAFE_ARCHIVE',
      `refused provider archive entry ${JSON.stringify(entryPath)}: expected ${expected}`,
    );
    return false;
  }
}

/** Splits an entry path into components; undefined when absolute or containing `..`. */
function splitEntryPath(entryPath: string): string[] | undefined {
  const normalized = entryPath.replaceAll('\\', '/');
  if (normalized.startsWith('/') || /^[A-Za-z]:/.test(normalized)) return undefined;
  const parts = normalized.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return parts;
}
