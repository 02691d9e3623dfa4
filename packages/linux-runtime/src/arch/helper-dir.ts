import type { BackendCaps } from '@metalor/cell-spec';
import { LinuxRuntimeError } from '../errors.js';

/** Cell path of the directory that holds runtime helpers (emulators) inside a root. */
export const RUN_HELPER_DIR = '/.metalor-run';

/**
 * Cell path of a helper binary inside {@link RUN_HELPER_DIR}, e.g.
 * `helperBinaryPath('qemu-aarch64-static')` is `/.metalor-run/qemu-aarch64-static`.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_HELPER_NAME_INVALID` unless `name` is a plain file name
 *   (non-empty, no `/`, not `.` or `..`, no NUL).
 */
export function helperBinaryPath(name: string): string {
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || /[/\0]/.test(name)) {
    throw new LinuxRuntimeError(
      'ERR_METALOR_HELPER_NAME_INVALID',
      `helper binary name ${JSON.stringify(name)} is invalid: expected a plain file name without "/"`,
    );
  }
  return `${RUN_HELPER_DIR}/${name}`;
}

/** The capabilities of this Linux backend (`BackendCaps` of `@metalor/cell-spec`): everything but `profileSelectedNetwork`. Never throws. */
export function backendCaps(): BackendCaps {
  return {
    ociRootfs: true,
    liveBindMounts: true,
    foreignArchExec: true,
    perJobNetworkToggle: true,
    profileSelectedNetwork: false,
  };
}

export type { BackendCaps };
