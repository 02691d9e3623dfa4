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
    const key = entryKey(entryPath);
    if (key === undefined) return this.refuse(entryPath, 'a relative path without ".." components');
    if (type === 'Link') {
      const target = linkpath === undefined ? undefined : entryKey(linkpath);
      if (target === undefined) return this.refuse(entryPath, `a hard link inside the archive, not to ${JSON.stringify(linkpath)}`);
      // link(2) follows symlinks in the target's directories.
      const through = this.symlinkOnTheWay(target);
      if (through !== undefined) return this.refuse(entryPath, `a hard link target with no symlink on its way, but ${JSON.stringify(through)} is one`);
    }
    const parent = key.slice(0, Math.max(0, key.lastIndexOf('/')));
    if (!this.checkedParents.has(parent)) {
      const through = this.symlinkOnTheWay(key);
      if (through !== undefined) return this.refuse(entryPath, `no symlink on its way, but ${JSON.stringify(through)} is one`);
      this.checkedParents.add(parent);
    }
    if (type === 'SymbolicLink') {
      this.symlinks.add(key);
      // A new symlink may sit on the way of any parent checked before.
      this.checkedParents.clear();
    } else this.symlinks.delete(key);
    return true;
  };

  /** The first directory above `key`, outermost first, that is a symlink; undefined when none is. */
  private symlinkOnTheWay(key: string): string | undefined {
    for (let slash = key.indexOf('/'); slash !== -1; slash = key.indexOf('/', slash + 1)) {
      const ancestor = key.slice(0, slash);
      if (this.throughSymlink(ancestor)) return ancestor;
    }
    return undefined;
  }

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

/** An entry path as `a/b/c`: no empty or `.` components, no trailing slash. Undefined when absolute or containing `..`. */
export function entryKey(entryPath: string): string | undefined {
  if (isPlainPath(entryPath)) return entryPath.endsWith('/') ? entryPath.slice(0, -1) : entryPath;
  return splitEntryPath(entryPath)?.join('/');
}

const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const DOT = 0x2e;
const COLON = 0x3a;

/**
 * True for the common `a/b/c` or `a/b/` that needs no normalizing: no backslash, no leading
 * slash, no drive letter, no empty, `.` or `..` component. Anything else takes the slow path.
 */
function isPlainPath(entryPath: string): boolean {
  const end = entryPath.endsWith('/') ? entryPath.length - 1 : entryPath.length;
  if (end === 0 || entryPath.charCodeAt(1) === COLON) return false;
  let start = 0;
  for (let index = 0; index <= end; index += 1) {
    const code = index === end ? SLASH : entryPath.charCodeAt(index);
    if (code === BACKSLASH) return false;
    if (code !== SLASH) continue;
    const length = index - start;
    if (length === 0) return false;
    if (length <= 2 && entryPath.charCodeAt(start) === DOT && (length === 1 || entryPath.charCodeAt(start + 1) === DOT)) return false;
    start = index + 1;
  }
  return true;
}

/** Splits an entry path into components; undefined when absolute or containing `..`. */
function splitEntryPath(entryPath: string): string[] | undefined {
  const normalized = entryPath.replaceAll('\\', '/');
  if (normalized.startsWith('/') || /^[A-Za-z]:/.test(normalized)) return undefined;
  const parts = normalized.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return parts;
}
