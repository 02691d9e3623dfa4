import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, chmod, copyFile, mkdir, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { LinuxRuntimeError } from '../errors.js';
import { rootfsWriteTarget } from '../oci/rootfs-view.js';
import { assertAbsoluteHostPath, lstatOrNull } from '../paths/index.js';
import { normalizeArchName, qemuBinaryName } from './arch-names.js';
import { RUN_HELPER_DIR, helperBinaryPath } from './helper-dir.js';

/**
 * Stage the user-mode emulator a foreign-architecture root needs. Returns `null` when
 * the arches match. Otherwise copies `qemu-<guest>-static` from PATH (with its mode) into
 * `<runtimeRoot>/.metalor-run/` and returns its cell path, e.g.
 * `/.metalor-run/qemu-aarch64-static`. For a copy-on-write root (see `prepareOciRootfs`
 * with a cache) the file goes into the view's upper layer, so it shows in the merged root.
 * The helper directory is never followed if it is a symlink, and the binary is written
 * to a fresh temporary name and renamed, so an existing symlink there is replaced, not followed.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_ARCH_UNSUPPORTED`; `ERR_METALOR_PATH_NOT_ABSOLUTE` /
 *   `ERR_METALOR_PATH_PARENT_SEGMENT` / `ERR_METALOR_RUNTIME_ROOT_INVALID` for a bad root;
 *   `ERR_METALOR_EMULATOR_NOT_FOUND` naming the qemu binary missing from PATH;
 *   `ERR_METALOR_SYMLINK_COMPONENT` / `ERR_METALOR_NOT_A_DIRECTORY` naming a bad helper directory.
 */
export async function prepareRuntimeEmulator(runtimeRoot: string, hostArch: string, guestArch: string): Promise<string | null> {
  const host = normalizeArchName(hostArch);
  const guest = normalizeArchName(guestArch);
  if (host === guest) return null;
  const root = await canonicalRuntimeRoot(runtimeRoot);
  const binary = qemuBinaryName(guest);
  const source = await findOnPath(binary);
  if (source === null) {
    throw new LinuxRuntimeError(
      'ERR_METALOR_EMULATOR_NOT_FOUND',
      `foreign-architecture execution for guest ${guest} on host ${host} requires ${binary} in PATH (Debian package qemu-user-static)`,
    );
  }
  const helperDir = path.join(await rootfsWriteTarget(root), RUN_HELPER_DIR);
  await ensureHelperDirectory(helperDir);
  await installCopy(source, path.join(helperDir, binary));
  return helperBinaryPath(binary);
}

async function canonicalRuntimeRoot(runtimeRoot: string): Promise<string> {
  assertAbsoluteHostPath(runtimeRoot, 'runtime root');
  const real = await realpath(runtimeRoot).catch(() => null);
  if (real === null || real === '/' || !(await stat(real)).isDirectory()) {
    throw new LinuxRuntimeError(
      'ERR_METALOR_RUNTIME_ROOT_INVALID',
      `runtime root ${JSON.stringify(runtimeRoot)} for emulator staging is invalid: expected an existing directory other than "/"`,
    );
  }
  return real;
}

async function findOnPath(binary: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, binary);
    try {
      await access(candidate, constants.X_OK);
      if ((await stat(candidate)).isFile()) return realpath(candidate);
    } catch {
      // not here; keep looking
    }
  }
  return null;
}

async function ensureHelperDirectory(dir: string): Promise<void> {
  const stats = await lstatOrNull(dir);
  if (stats?.isSymbolicLink()) {
    throw new LinuxRuntimeError('ERR_METALOR_SYMLINK_COMPONENT', `runtime helper directory ${JSON.stringify(dir)} is a symlink: expected a real directory, symlinks are never followed`);
  }
  if (stats && !stats.isDirectory()) {
    throw new LinuxRuntimeError('ERR_METALOR_NOT_A_DIRECTORY', `runtime helper directory ${JSON.stringify(dir)} is not a directory: expected a directory`);
  }
  if (!stats) await mkdir(dir, { mode: 0o755 });
}

async function installCopy(source: string, destination: string): Promise<void> {
  const temporary = `${destination}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    await copyFile(source, temporary, constants.COPYFILE_EXCL);
    await chmod(temporary, (await stat(source)).mode & 0o7777);
    await rename(temporary, destination);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
