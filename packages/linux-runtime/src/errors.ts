/** Stable error codes thrown by this package. Codes are public API: add, never rename. */
export type LinuxRuntimeErrorCode = `ERR_METALOR_${string}`;

/**
 * The one error class this package throws. `code` is stable and machine-readable;
 * the message names the offending value and what was expected.
 */
export class LinuxRuntimeError extends Error {
  override readonly name = 'LinuxRuntimeError';
  readonly code: LinuxRuntimeErrorCode;
  /** Exit code of the command that failed, when a command ran and exited. */
  readonly exitCode?: number;
  /** Signal that ended the command that failed, when one did. */
  readonly signal?: NodeJS.Signals;

  constructor(
    code: LinuxRuntimeErrorCode,
    message: string,
    options?: { cause?: unknown; exitCode?: number; signal?: NodeJS.Signals },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options?.exitCode !== undefined) this.exitCode = options.exitCode;
    if (options?.signal !== undefined) this.signal = options.signal;
  }
}
