import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { LinuxRuntimeError } from '../errors.js';
import { lstatOrNull } from '../paths/index.js';

/**
 * Copy a file or directory tree with `cp -a`: modes kept, symlinks copied as links,
 * never followed. `destination` must not exist.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_COPY_FAILED` with cp's message.
 */
export async function copyTree(source: string, destination: string): Promise<void> {
  const result = await execa('cp', ['-a', '--no-target-directory', '--', source, destination], { reject: false, stdin: 'ignore' });
  if (result.exitCode !== 0) {
    throw new LinuxRuntimeError('ERR_METALOR_COPY_FAILED', `cannot copy ${JSON.stringify(source)} to ${JSON.stringify(destination)}: ${String(result.stderr).trim()}`, { exitCode: result.exitCode });
  }
}

/**
 * Replace `destination` with a copy of `source`. The copy is built beside the
 * destination first, so a failed copy leaves the old content untouched; the swap is two
 * renames on the same filesystem.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_COPY_FAILED`.
 */
export async function replaceWithCopy(source: string, destination: string): Promise<void> {
  const tag = randomBytes(6).toString('hex');
  const dir = path.dirname(destination);
  const fresh = path.join(dir, `.${path.basename(destination)}.metalor-new-${tag}`);
  const old = path.join(dir, `.${path.basename(destination)}.metalor-old-${tag}`);
  try {
    await copyTree(source, fresh);
  } catch (error) {
    await rm(fresh, { recursive: true, force: true });
    throw error;
  }
  const existing = await lstatOrNull(destination);
  if (existing) await rename(destination, old);
  await rename(fresh, destination);
  if (existing) await rm(old, { recursive: true, force: true });
}
