import { LinuxRuntimeError } from '../errors.js';
import { RUN_HELPER_DIR } from '../arch/index.js';
import { assertAbsoluteHostPath } from '../paths/index.js';
import type { ContainerRunCommand, LinuxNamespaceBackend } from './types.js';

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * Refuse a cell path that is not absolute, has a `..` segment or a NUL byte.
 *
 * @throws {LinuxRuntimeError} with `code` (e.g. `ERR_METALOR_CWD_INVALID`).
 */
export function assertCellPath(value: unknown, label: string, code: `ERR_METALOR_${string}`, allowRoot = true): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.includes('\0')) {
    throw new LinuxRuntimeError(code, `${label} ${describe(value)} is not an absolute cell path: expected a path starting with "/"`);
  }
  if (value.split('/').includes('..')) {
    throw new LinuxRuntimeError(code, `${label} ${describe(value)} contains a ".." segment: expected a path without parent references`);
  }
  if (!allowRoot && value.replace(/\/+/g, '/') === '/') {
    throw new LinuxRuntimeError(code, `${label} ${describe(value)} is "/": expected a path below the cell's root`);
  }
  return value;
}

/** True when cell path `mount` equals `target` or is one of its parents. */
export function cellPathCovers(mount: string, target: string): boolean {
  const a = mount.replace(/\/+$/, '');
  return target === a || target.startsWith(`${a}/`);
}

/**
 * Refuse an executable that is neither an absolute cell path nor a bare command name.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_EXECUTABLE_INVALID`.
 */
export function assertExecutable(value: unknown): void {
  const ok =
    typeof value === 'string' && value !== '' && !value.includes('\0') &&
    (value.startsWith('/') ? !value.split('/').includes('..') : !value.includes('/') && value !== '..' && value !== '.');
  if (!ok) {
    throw new LinuxRuntimeError('ERR_METALOR_EXECUTABLE_INVALID', `executable ${describe(value)} is invalid: expected an absolute cell path or a bare command name without "/"`);
  }
}

/**
 * Refuse env pairs whose key is empty or has `=` or NUL, or whose value has NUL.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_ENV_INVALID`.
 */
export function assertEnvPairs(env: unknown): asserts env is [string, string][] {
  if (!Array.isArray(env)) throw new LinuxRuntimeError('ERR_METALOR_ENV_INVALID', `env ${describe(env)} is not an array: expected [key, value] pairs`);
  for (const pair of env) {
    const [key, value] = Array.isArray(pair) ? pair : [];
    if (typeof key !== 'string' || key === '' || /[=\0]/.test(key)) {
      throw new LinuxRuntimeError('ERR_METALOR_ENV_INVALID', `env key ${describe(key)} is invalid: expected a non-empty name without "=" or NUL`);
    }
    if (typeof value !== 'string' || value.includes('\0')) {
      throw new LinuxRuntimeError('ERR_METALOR_ENV_INVALID', `env value for ${key} ${describe(value)} is invalid: expected a string without NUL`);
    }
  }
}

/**
 * Refuse an unknown backend name.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_BACKEND_INVALID`.
 */
export function assertBackend(backend: unknown): asserts backend is LinuxNamespaceBackend {
  if (backend !== 'privileged' && backend !== 'rootlessUser') {
    throw new LinuxRuntimeError('ERR_METALOR_BACKEND_INVALID', `backend ${describe(backend)} is invalid: expected "privileged" or "rootlessUser"`);
  }
}

/**
 * Check every field of a {@link ContainerRunCommand} before anything is re-executed:
 * cwd, executable, emulator (below `/.metalor-run/`), mount sources (absolute, no `..`),
 * mount destinations (absolute, not `/`, no `..`, no duplicates), env and argv.
 *
 * @throws {LinuxRuntimeError} naming the bad field: `ERR_METALOR_COMMAND_INVALID`, `ERR_METALOR_CWD_INVALID`,
 *   `ERR_METALOR_EXECUTABLE_INVALID`, `ERR_METALOR_EMULATOR_INVALID`, `ERR_METALOR_MOUNT_DESTINATION_INVALID`,
 *   `ERR_METALOR_ENV_INVALID`, `ERR_METALOR_PATH_NOT_ABSOLUTE`, `ERR_METALOR_PATH_PARENT_SEGMENT`.
 */
export function validateContainerRunCommand(command: ContainerRunCommand): void {
  if (typeof command !== 'object' || command === null) {
    throw new LinuxRuntimeError('ERR_METALOR_COMMAND_INVALID', `command ${describe(command)} is not an object: expected a ContainerRunCommand`);
  }
  assertAbsoluteHostPath(command.root, 'runtime root');
  assertCellPath(command.cwd, 'cwd', 'ERR_METALOR_CWD_INVALID');
  assertExecutable(command.executable);
  if (!Array.isArray(command.argv) || command.argv.some((arg) => typeof arg !== 'string' || arg.includes('\0'))) {
    throw new LinuxRuntimeError('ERR_METALOR_COMMAND_INVALID', `argv ${describe(command.argv)} is invalid: expected an array of strings without NUL`);
  }
  assertEnvPairs(command.env);
  if (command.emulator !== undefined) {
    assertCellPath(command.emulator, 'emulator', 'ERR_METALOR_EMULATOR_INVALID');
    if (!command.emulator.startsWith(`${RUN_HELPER_DIR}/`) || command.emulator.length <= RUN_HELPER_DIR.length + 1) {
      throw new LinuxRuntimeError('ERR_METALOR_EMULATOR_INVALID', `emulator ${describe(command.emulator)} is not below ${RUN_HELPER_DIR}/: expected the path returned by prepareRuntimeEmulator`);
    }
  }
  if (!Array.isArray(command.mounts)) {
    throw new LinuxRuntimeError('ERR_METALOR_COMMAND_INVALID', `mounts ${describe(command.mounts)} is not an array: expected BindMount entries`);
  }
  const seen = new Set<string>();
  for (const mount of command.mounts) {
    assertAbsoluteHostPath(mount?.source, 'bind source');
    const destination = assertCellPath(mount.destination, 'mount destination', 'ERR_METALOR_MOUNT_DESTINATION_INVALID', false);
    const key = destination.replace(/\/+/g, '/').replace(/\/$/, '');
    if (seen.has(key)) {
      throw new LinuxRuntimeError('ERR_METALOR_MOUNT_DESTINATION_INVALID', `mount destination ${describe(destination)} appears twice: expected each destination once`);
    }
    seen.add(key);
    if (typeof mount.readOnly !== 'boolean') {
      throw new LinuxRuntimeError('ERR_METALOR_COMMAND_INVALID', `readOnly of mount ${describe(destination)} is ${describe(mount.readOnly)}: expected a boolean`);
    }
  }
}
