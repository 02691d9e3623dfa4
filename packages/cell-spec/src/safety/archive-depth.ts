import { CellSpecError } from '../errors.js';

/** The deepest entry path accepted from a workspace archive, in path components. */
export const ARCHIVE_MAX_DEPTH = 128;

/** Defence: refuses entries nested deeper than {@link ARCHIVE_MAX_DEPTH} components. */
export function checkEntryDepth(archive: string, entryPath: string, components: readonly string[]): void {
  if (components.length > ARCHIVE_MAX_DEPTH) {
    throw new CellSpecError(
      'ERR_METALOR_ARCHIVE_TOO_DEEP',
      `workspace archive ${JSON.stringify(archive)} nests ${JSON.stringify(entryPath.slice(0, 120))}... ${components.length} levels deep: expected at most ${ARCHIVE_MAX_DEPTH}`,
    );
  }
}
