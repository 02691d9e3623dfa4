import { lstat, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { LinuxRuntimeError } from '../errors.js';
import { assertAbsoluteHostPath, lstatOrNull } from '../paths/index.js';

/** Name of the view descriptor inside a copy-on-write root's mount point. */
export const ROOTFS_VIEW_FILE = '.metalor-view';

/**
 * A copy-on-write view of a cached rootfs: the runner mounts `overlay` with these
 * directories on the root inside the cell's private mount namespace.
 */
export interface RootfsView {
  /** The cached, never-written unpacked rootfs (host path). */
  lowerdir: string;
  /** Where this package root's changes go (host path). */
  upperdir: string;
  /** overlayfs work directory, same filesystem as `upperdir` (host path). */
  workdir: string;
}

const KEYS = ['lowerdir', 'upperdir', 'workdir'] as const;

/**
 * Refuse host paths that cannot go verbatim into overlay mount options
 * (`,` separates options, `:` separates lower layers, `\` escapes, newlines end descriptor lines).
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_VIEW_PATH_UNSUPPORTED` naming the path.
 */
export function assertViewablePath(hostPath: string, label: string): void {
  if (/[,:\\\n]/.test(hostPath)) {
    throw new LinuxRuntimeError(
      'ERR_METALOR_VIEW_PATH_UNSUPPORTED',
      `${label} ${JSON.stringify(hostPath)} contains ",", ":", "\\" or a newline: expected a path usable in image references and overlay mount options`,
    );
  }
}

/** The exact text of a view descriptor: three `key=value` lines, each ending in `\n`. */
export function formatRootfsView(view: RootfsView): string {
  return KEYS.map((key) => `${key}=${view[key]}\n`).join('');
}

/**
 * Write the view descriptor into `root` (the empty mount point). Fails if one exists.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_VIEW_PATH_UNSUPPORTED` for unusable paths.
 */
export async function writeRootfsView(root: string, view: RootfsView): Promise<void> {
  for (const key of KEYS) assertViewablePath(assertAbsoluteHostPath(view[key], key), key);
  await writeFile(path.join(root, ROOTFS_VIEW_FILE), formatRootfsView(view), { flag: 'wx', mode: 0o644 });
}

/**
 * Read and validate the view descriptor of `root`. Returns `null` when `root` has none
 * (a plain unpacked root: no overlay to mount).
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_VIEW_INVALID` when the descriptor is malformed, or when
 *   a named directory is missing, a symlink, or not a directory.
 */
export async function readRootfsView(root: string): Promise<RootfsView | null> {
  const file = path.join(assertAbsoluteHostPath(root, 'runtime root'), ROOTFS_VIEW_FILE);
  const stats = await lstatOrNull(file);
  if (stats === null) return null;
  if (!stats.isFile()) throw invalid(file, 'it is not a regular file');
  const view = parseRootfsView(await readFile(file, 'utf8'), file);
  for (const key of KEYS) {
    const dir = await lstatOrNull(view[key]);
    if (dir === null || dir.isSymbolicLink() || !dir.isDirectory()) {
      throw invalid(file, `${key} ${JSON.stringify(view[key])} is not an existing real directory`);
    }
  }
  return view;
}

/**
 * Parse view descriptor text: three lines `lowerdir=`, `upperdir=`, `workdir=` (absolute paths), each ending in `\n`.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_VIEW_INVALID` naming `source` and the problem.
 */
export function parseRootfsView(text: string, source = ROOTFS_VIEW_FILE): RootfsView {
  const lines = text.split('\n');
  if (lines.length !== KEYS.length + 1 || lines[KEYS.length] !== '') {
    throw invalid(source, `expected exactly ${KEYS.map((k) => `"${k}=..."`).join(', ')} lines, each ending in a newline`);
  }
  const view = {} as RootfsView;
  for (const [index, key] of KEYS.entries()) {
    const line = lines[index] ?? '';
    if (!line.startsWith(`${key}=`)) throw invalid(source, `line ${index + 1} ${JSON.stringify(line)} should start with "${key}="`);
    const value = line.slice(key.length + 1);
    if (!path.isAbsolute(value) || value.split('/').includes('..') || /[,:\\]/.test(value)) {
      throw invalid(source, `${key} ${JSON.stringify(value)} must be an absolute path without "..", ",", ":" or "\\"`);
    }
    view[key] = value;
  }
  return view;
}

function invalid(source: string, why: string): LinuxRuntimeError {
  return new LinuxRuntimeError('ERR_METALOR_VIEW_INVALID', `rootfs view descriptor ${JSON.stringify(source)} is invalid: ${why}`);
}

/**
 * The `-o` option string for `mount -t overlay overlay -o <options> <root>`. The rootless
 * backend needs `userxattr`: in a user namespace overlayfs cannot set `trusted.*` xattrs and
 * would fail with EIO when a lower directory is removed.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_VIEW_PATH_UNSUPPORTED` for unusable paths.
 */
export function buildOverlayMountOptions(view: RootfsView, backend: 'privileged' | 'rootlessUser' = 'privileged'): string {
  for (const key of KEYS) assertViewablePath(view[key], key);
  const options = KEYS.map((key) => `${key}=${view[key]}`);
  if (backend === 'rootlessUser') options.push('userxattr');
  return options.join(',');
}

/**
 * Host directory where files meant to appear at the top of the merged root must be written:
 * the view's `upperdir` when `root` is a copy-on-write view, else `root` itself.
 *
 * @throws {LinuxRuntimeError} as {@link readRootfsView}.
 */
export async function rootfsWriteTarget(root: string): Promise<string> {
  return (await readRootfsView(root))?.upperdir ?? root;
}

/** An overlay whiteout: a character device with device number 0:0. */
function isWhiteout(stats: { isCharacterDevice(): boolean; rdev: number }): boolean {
  return stats.isCharacterDevice() && stats.rdev === 0;
}

/** True when an upper directory is opaque (it hides everything below it in the lower layer). */
async function isOpaque(dir: string): Promise<boolean> {
  for (const name of ['trusted.overlay.opaque', 'user.overlay.opaque']) {
    const result = await execa('getfattr', ['--only-values', '--absolute-names', '-n', name, dir], { reject: false });
    if ((result.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      throw new LinuxRuntimeError('ERR_METALOR_TOOL_NOT_FOUND', `reading overlay xattrs of ${dir} failed: getfattr is not on PATH (install the Debian package attr)`);
    }
    if (result.exitCode === 0 && result.stdout === 'y') return true;
  }
  return false;
}

function cellSegments(cellPath: string): string[] {
  if (typeof cellPath !== 'string' || !cellPath.startsWith('/') || cellPath.split('/').includes('..')) {
    throw new LinuxRuntimeError('ERR_METALOR_PATH_NOT_ABSOLUTE', `cell path ${JSON.stringify(cellPath)} is invalid: expected an absolute cell path without ".."`);
  }
  return cellPath.split('/').filter((part) => part !== '' && part !== '.');
}

/**
 * Where a cell path of a copy-on-write view lives on the host after the run: the upper copy
 * when the job wrote it; `null` when the job deleted it (a whiteout at the path or a parent,
 * or an opaque upper parent without it) or it never existed; else the cached lower copy.
 * Intermediate symlinks are never followed.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_SYMLINK_COMPONENT` when an intermediate component is a
 *   symlink, `ERR_METALOR_PATH_NOT_ABSOLUTE` for a bad cell path.
 */
export async function resolveRootfsViewPath(view: RootfsView, cellPath: string): Promise<string | null> {
  const parts = cellSegments(cellPath);
  let lowerVisible = true;
  for (const [index, part] of parts.entries()) {
    const upper = path.join(view.upperdir, ...parts.slice(0, index + 1));
    const stats = await lstatOrNull(upper);
    const last = index === parts.length - 1;
    if (stats === null) break;
    if (isWhiteout(stats)) return null;
    if (last) return upper;
    if (stats.isSymbolicLink()) throw symlinkComponent(upper);
    if (!stats.isDirectory()) return null;
    if (await isOpaque(upper)) lowerVisible = false;
  }
  if (parts.length === 0) return view.upperdir;
  if (!lowerVisible) return null;
  for (let index = 0; index < parts.length - 1; index += 1) {
    const lower = path.join(view.lowerdir, ...parts.slice(0, index + 1));
    const stats = await lstatOrNull(lower);
    if (stats === null || !stats.isDirectory()) {
      if (stats?.isSymbolicLink()) throw symlinkComponent(lower);
      return null;
    }
  }
  const lower = path.join(view.lowerdir, ...parts);
  return (await lstatOrNull(lower)) === null ? null : lower;
}

function symlinkComponent(hostPath: string): LinuxRuntimeError {
  return new LinuxRuntimeError('ERR_METALOR_SYMLINK_COMPONENT', `path component ${JSON.stringify(hostPath)} is a symlink: expected a real directory, symlinks are never followed`);
}

/** One entry of a merged view directory. */
export interface RootfsViewEntry {
  /** File name inside the directory. */
  name: string;
  /** Host path holding this entry's content (upper or lower). */
  hostPath: string;
}

/**
 * List a directory of a copy-on-write view as the job saw it: upper entries win, whiteouts
 * remove lower entries, an opaque upper directory hides the lower one. Sorted by name.
 * Returns `null` when the directory does not exist in the view.
 *
 * @throws {LinuxRuntimeError} as {@link resolveRootfsViewPath}; `ERR_METALOR_NOT_A_DIRECTORY` when
 *   the cell path is not a directory.
 */
export async function listRootfsViewDirectory(view: RootfsView, cellPath: string): Promise<RootfsViewEntry[] | null> {
  const resolved = await resolveRootfsViewPath(view, cellPath);
  if (resolved === null) return null;
  if (!(await lstat(resolved)).isDirectory()) {
    throw new LinuxRuntimeError('ERR_METALOR_NOT_A_DIRECTORY', `cell path ${JSON.stringify(cellPath)} is not a directory in the view: expected a directory`);
  }
  const entries = new Map<string, string>();
  const parts = cellSegments(cellPath);
  const upper = path.join(view.upperdir, ...parts);
  const lower = path.join(view.lowerdir, ...parts);
  const upperStats = await lstatOrNull(upper);
  const hideLower = upperStats?.isDirectory() ? await isOpaque(upper) : false;
  if (!hideLower && (await lstatOrNull(lower))?.isDirectory()) {
    for (const name of await readdir(lower)) entries.set(name, path.join(lower, name));
  }
  if (upperStats?.isDirectory()) {
    for (const name of await readdir(upper)) {
      const stats = await lstat(path.join(upper, name));
      if (isWhiteout(stats)) entries.delete(name);
      else entries.set(name, path.join(upper, name));
    }
  }
  return [...entries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, hostPath]) => ({ name, hostPath }));
}
