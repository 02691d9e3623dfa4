import { CellSpecError } from '../errors.js';

/**
 * Defence: entry paths stay inside the destination. Refuses absolute paths (`/x`,
 * `C:x`, `\\server\x`) and any `..` component (`/` and `\` both count as separators,
 * so a Windows-style `..\` cannot slip through), then returns the path's components.
 */
export function checkEntryPath(archive: string, entryPath: string): string[] {
  const refuse = (why: string): never => {
    throw new CellSpecError(
      'ERR_METALOR_ARCHIVE_UNSAFE_PATH',
      `workspace archive ${JSON.stringify(archive)} contains ${why} ${JSON.stringify(entryPath)}: expected a relative path inside the workspace`,
    );
  };
  if (entryPath.startsWith('/') || entryPath.startsWith('\\') || /^[A-Za-z]:/.test(entryPath)) refuse('an absolute path');
  const components = entryPath.split(/[\\/]/).filter((part) => part !== '' && part !== '.');
  if (components.includes('..')) refuse("a path with '..'");
  return components;
}
