import { LinuxRuntimeError } from '../errors.js';
import { ociArchName, type OciArch } from '../arch/arch-names.js';
import { assertAbsoluteHostPath } from '../paths/index.js';
import type { OciProgressListener } from './progress.js';

/** Options of `prepareOciRootfs`. */
export interface PrepareOciRootfsOptions {
  /**
   * Keep the copied layout and its unpacked rootfs here, one entry per (reference, arch),
   * shared by every package root and process. With it, a warm prepare creates a
   * copy-on-write view instead of unpacking.
   */
  cacheRoot?: string | undefined;
  /** Architecture to select from a multi-arch image (`amd64`/`x86_64`, `arm64`/`aarch64`, `riscv64`). */
  arch?: string | undefined;
  /** Receives structured progress events. */
  onProgress?: OciProgressListener | undefined;
  /** Aborts copying and unpacking. */
  signal?: AbortSignal | undefined;
}

/** Options after validation. */
export interface NormalizedPrepareOptions {
  cacheRoot: string | undefined;
  arch: OciArch | undefined;
  onProgress: OciProgressListener | undefined;
  signal: AbortSignal | undefined;
}

/**
 * The one place that validates `prepareOciRootfs` options.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_OPTIONS_INVALID`, `ERR_METALOR_ARCH_UNSUPPORTED`,
 *   `ERR_METALOR_PATH_NOT_ABSOLUTE`, `ERR_METALOR_PATH_PARENT_SEGMENT`.
 */
export function normalizePrepareOptions(options: PrepareOciRootfsOptions | undefined): NormalizedPrepareOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw invalidOption('options', options, 'an object or undefined');
  }
  const { cacheRoot, arch, onProgress, signal } = options ?? {};
  if (onProgress !== undefined && typeof onProgress !== 'function') throw invalidOption('onProgress', onProgress, 'a function');
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalidOption('signal', signal, 'an AbortSignal');
  return {
    cacheRoot: cacheRoot === undefined ? undefined : assertAbsoluteHostPath(cacheRoot, 'OCI cache root'),
    arch: arch === undefined ? undefined : ociArchName(arch),
    onProgress,
    signal,
  };
}

function invalidOption(name: string, value: unknown, expected: string): LinuxRuntimeError {
  const shown = typeof value === 'function' ? 'a function' : JSON.stringify(value) ?? String(value);
  return new LinuxRuntimeError('ERR_METALOR_OPTIONS_INVALID', `option ${name} ${shown} is invalid: expected ${expected}`);
}
