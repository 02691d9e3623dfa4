import { lstat, mkdir } from 'node:fs/promises';
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
 * Defence: resolves a cell path inside the job without following any symlink on the way
 * (a seed or the command may have planted one pointing at the host). Every parent must
 * be a real directory; with `create`, missing parents are made. The last component is
 * returned as is; callers copy it without following it.
 *
 * @throws {CellSpecError} `ERR_METALOR_CELL_PATH_SYMLINK`, `ERR_METALOR_CELL_PATH_NOT_DIRECTORY`
 * and the {@link mapCellPath} errors.
 */
export async function resolveJobPath(root: string, cellPath: string, context: string, create: boolean): Promise<string> {
  const mapped = mapCellPath(root, cellPath, context);
  for (const parent of mapped.parents) {
    const stat = await lstat(parent).catch(() => undefined);
    if (checkParent(stat, parent, cellPath, context)) continue;
    if (!create) break;
    await mkdir(parent);
  }
  return mapped.host;
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
