import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { CellSpecError } from '../errors.js';
import type { BuildCellSpecInput } from '../spec/schema.js';
import type { BuildCellSpec } from '../spec/types.js';
import { decodeBuildCellRequest, encodeBuildCellRequest } from './request-codec.js';

/** The request file's name inside a cell's scratch directory. */
export const BUILD_CELL_REQUEST_FILE = 'build-cell-request.json';

/** `<scratch>/build-cell-request.json`, joined with the host's `node:path`. Never throws. */
export function buildCellRequestPath(scratch: string): string {
  return path.join(scratch, BUILD_CELL_REQUEST_FILE);
}

/**
 * Writes the encoded request atomically: the bytes go to a temporary file in the same
 * directory, are flushed, then renamed over `file`, so a reader sees the old file or
 * the complete new one. Creates the parent directory.
 *
 * @throws {CellSpecError} `ERR_METALOR_SPEC_INVALID` for a malformed spec,
 * `ERR_METALOR_REQUEST_WRITE` when the file cannot be written (no temporary file is left).
 */
export async function writeBuildCellRequest(file: string, spec: BuildCellSpecInput): Promise<void> {
  const payload = encodeBuildCellRequest(spec);
  const directory = path.dirname(file);
  const temporary = path.join(directory, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(directory, { recursive: true });
    const handle = await open(temporary, 'wx', 0o644);
    try {
      await handle.writeFile(payload, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new CellSpecError('ERR_METALOR_REQUEST_WRITE', `failed to write build cell request ${JSON.stringify(file)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Reads and decodes a request file (see {@link decodeBuildCellRequest}).
 *
 * @throws {CellSpecError} `ERR_METALOR_REQUEST_READ` when the file cannot be read, else
 * the decoding errors, their message prefixed with the file path.
 */
export async function readBuildCellRequest(file: string): Promise<BuildCellSpec> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new CellSpecError('ERR_METALOR_REQUEST_READ', `failed to read build cell request ${JSON.stringify(file)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return decodeBuildCellRequest(bytes);
  } catch (error) {
    if (!(error instanceof CellSpecError)) throw error;
    throw new CellSpecError(error.code, `${file}: ${error.message}`, { cause: error });
  }
}
