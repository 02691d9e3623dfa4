import path from 'node:path';
import { CellSpecError } from '../errors.js';

/** The meaningful components of a POSIX cell path (no empty or `.` parts). */
export function cellPathComponents(cellPath: string): string[] {
  return cellPath.split('/').filter((part) => part !== '' && part !== '.');
}

/** A cell path with `//`, `.` and a trailing `/` folded away, so comparisons see one spelling. */
export function normalizeCellPath(cellPath: string): string {
  return `/${cellPathComponents(cellPath).join('/')}`;
}

function hostComponents(hostPath: string): string[] {
  return hostPath.split(path.sep === '\\' ? /[\\/]/ : '/').filter((part) => part !== '' && part !== '.');
}

/** Throws unless `value` is an absolute host path (`node:path` rules) without `..`. */
export function assertHostPath(value: string, context: string): void {
  if (!path.isAbsolute(value)) {
    throw new CellSpecError('ERR_METALOR_PATH_NOT_ABSOLUTE', `${context} must be absolute: ${JSON.stringify(value)}`);
  }
  if (hostComponents(value).includes('..')) {
    throw new CellSpecError('ERR_METALOR_PATH_PARENT_COMPONENT', `${context} must not contain '..': ${JSON.stringify(value)}`);
  }
}

/** Throws unless `value` is an absolute POSIX cell path without `..`. */
export function assertCellPath(value: string, context: string): void {
  if (!value.startsWith('/')) {
    throw new CellSpecError('ERR_METALOR_PATH_NOT_ABSOLUTE', `${context} must be absolute: ${JSON.stringify(value)}`);
  }
  if (value.split('/').includes('..')) {
    throw new CellSpecError('ERR_METALOR_PATH_PARENT_COMPONENT', `${context} must not contain '..': ${JSON.stringify(value)}`);
  }
}

/** Throws when `value` names the filesystem root. */
export function assertNotRoot(value: string, components: string[], context: string): void {
  if (components.length === 0) {
    throw new CellSpecError('ERR_METALOR_PATH_IS_ROOT', `${context} must not be /: ${JSON.stringify(value)}`);
  }
}

/** True when `mount` equals `target` or is one of its parents (both normalized cell paths). */
export function cellPathCovers(mount: string, target: string): boolean {
  if (mount === '/' || mount === target) return true;
  return target.startsWith(`${mount}/`);
}

/** Components of a host path, for the "not /" rule. */
export function hostPathComponents(hostPath: string): string[] {
  const parsed = path.parse(hostPath);
  return hostComponents(hostPath.slice(parsed.root.length));
}
