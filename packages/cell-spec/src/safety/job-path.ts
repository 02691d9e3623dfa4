import { lstat, mkdir, readlink } from 'node:fs/promises';
import { lstatSync, mkdirSync, type Stats } from 'node:fs';
import path from 'node:path';
import { CellSpecError } from '../errors.js';
import { assertCellPath, cellPathComponents } from '../spec/paths.js';

/** A cell path mapped under a job root, with the host path of each parent component. */
export interface JobPath {
  host: string;
  parents: string[];
}

/**
 * Maps a cell path under `root`: absolute POSIX, no `..`, no `\` (a separator on
 * Windows hosts). Pure; touches nothing.
 *
 * @throws {CellSpecError} `ERR_METALOR_PATH_NOT_ABSOLUTE`, `ERR_METALOR_PATH_PARENT_COMPONENT`,
 * `ERR_METALOR_PATH_BACKSLASH`.
 */
export function mapCellPath(root: string, cellPath: string, context = 'build cell path'): JobPath {
  assertCellPath(cellPath, context);
  if (cellPath.includes('\\')) {
    throw new CellSpecError('ERR_METALOR_PATH_BACKSLASH', `${context} must use '/' separators: ${JSON.stringify(cellPath)}`);
  }
  const parents: string[] = [];
  let host = root;
  for (const part of cellPathComponents(cellPath)) {
    parents.push(host);
    host = path.join(host, part);
  }
  return { host, parents: parents.slice(1) };
}

function checkParent(stat: Stats | undefined, parent: string, cellPath: string, context: string): boolean {
  if (!stat) return false;
  if (stat.isSymbolicLink()) {
    throw new CellSpecError(
      'ERR_METALOR_CELL_PATH_SYMLINK',
      `${context} ${JSON.stringify(cellPath)} passes through the symlink ${JSON.stringify(parent)} in the job: expected real directories (links are never followed)`,
    );
  }
  if (!stat.isDirectory()) {
    throw new CellSpecError(
      'ERR_METALOR_CELL_PATH_NOT_DIRECTORY',
      `${context} ${JSON.stringify(cellPath)} passes through ${JSON.stringify(parent)}, which is not a directory`,
    );
  }
  return true;
}

/**
 * Defence for writing into a job: resolves a cell path without following any symlink on
 * the way (a seed may have planted one pointing at the host). Every parent must be a
 * real directory; missing parents are made. The last component is returned as is;
 * callers replace it without following it.
 *
 * @throws {CellSpecError} `ERR_METALOR_CELL_PATH_SYMLINK`, `ERR_METALOR_CELL_PATH_NOT_DIRECTORY`
 * and the {@link mapCellPath} errors.
 */
export async function resolveJobPath(root: string, cellPath: string, context: string): Promise<string> {
  const mapped = mapCellPath(root, cellPath, context);
  for (const parent of mapped.parents) {
    const stat = await lstat(parent).catch(() => undefined);
    if (checkParent(stat, parent, cellPath, context)) continue;
    await mkdir(parent).catch((error: Error) => {
      throw new CellSpecError('ERR_METALOR_COPY_FAILED', `failed to create ${JSON.stringify(parent)} for ${context} ${JSON.stringify(cellPath)}: ${error.message}`, {
        cause: error,
      });
    });
  }
  return mapped.host;
}

/** How many symlinks one lookup may pass through, as Linux allows (`ELOOP` beyond). */
export const MAX_SYMLINK_HOPS = 40;

/**
 * Defence for reading out of a job: resolves a cell path the way the cell itself saw it,
 * but confined to the job root, like `openat2(RESOLVE_IN_ROOT)`. A symlink among the
 * parents is followed with its target read as a cell path: an absolute target starts
 * again at the job root and `..` stops at the root, so no link, whoever planted it, leads
 * out to the host. The last component is returned unfollowed (callers copy a link as a
 * link). A missing component yields the path as spelled, which does not exist.
 *
 * @throws {CellSpecError} `ERR_METALOR_CELL_PATH_NOT_DIRECTORY` when a parent is a file,
 * `ERR_METALOR_CELL_PATH_SYMLINK` after more than {@link MAX_SYMLINK_HOPS} links, and the
 * {@link mapCellPath} errors.
 */
export async function resolveInJobRoot(root: string, cellPath: string, context: string): Promise<string> {
  mapCellPath(root, cellPath, context);
  const pending = cellPathComponents(cellPath);
  const resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = path.join(root, ...resolved, part);
    if (pending.length === 0) return candidate;
    const stat = await lstat(candidate).catch(() => undefined);
    if (!stat) return path.join(candidate, ...pending);
    if (stat.isSymbolicLink()) {
      hops += 1;
      if (hops > MAX_SYMLINK_HOPS) {
        throw new CellSpecError(
          'ERR_METALOR_CELL_PATH_SYMLINK',
          `${context} ${JSON.stringify(cellPath)} passes through more than ${MAX_SYMLINK_HOPS} symlinks in the job: expected a path that resolves`,
        );
      }
      const target = await readlink(candidate).catch((error: Error) => {
        throw new CellSpecError('ERR_METALOR_COPY_FAILED', `failed to read the symlink ${JSON.stringify(candidate)}: ${error.message}`, { cause: error });
      });
      if (target.startsWith('/')) resolved.length = 0;
      pending.unshift(...target.split('/').filter((piece) => piece !== '' && piece !== '.'));
      continue;
    }
    checkParent(stat, candidate, cellPath, context);
    resolved.push(part);
  }
  return path.join(root, ...resolved);
}

/** {@link resolveJobPath} for synchronous callers, creating missing parents and the path itself as a directory. */
export function ensureJobDirectorySync(root: string, cellPath: string, context: string): string {
  const mapped = mapCellPath(root, cellPath, context);
  for (const dir of [...mapped.parents, mapped.host]) {
    let stat: Stats | undefined;
    try {
      stat = lstatSync(dir);
    } catch {
      stat = undefined;
    }
    if (!checkParent(stat, dir, cellPath, context)) mkdirSync(dir);
  }
  return mapped.host;
}
