import { CellSpecError } from '../errors.js';

const ALLOWED = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link']);

/**
 * Defence: only files, directories, symlinks and hard links are unpacked. Device
 * nodes, FIFOs and every other entry type are refused, not skipped, so a workspace is
 * never silently incomplete.
 */
export function checkEntryType(archive: string, entryPath: string, type: string): void {
  if (ALLOWED.has(type)) return;
  throw new CellSpecError(
    'ERR_METALOR_ARCHIVE_SPECIAL_FILE',
    `workspace archive ${JSON.stringify(archive)} contains ${type} entry ${JSON.stringify(entryPath)}: expected only files, directories, symlinks and hard links`,
  );
}
