/** Stable error codes thrown by this package. Codes are public API: add, never rename. */
export type ProviderErrorCode = `ERR_METALOR_${string}`;

/** What a failed process left behind; present on errors that come from running one. */
export interface ProviderErrorDetails {
  /** The argv that was run (file first). */
  command?: readonly string[];
  /** Its exit code, when it exited. */
  exitCode?: number;
  /** The signal that ended it, when one did. */
  signal?: string;
  /** Its standard output, when captured. */
  stdout?: string;
  /** Its standard error, when captured. */
  stderr?: string;
}

/**
 * The one error class this package throws. `code` is stable and machine-readable;
 * the message names the offending value and what was expected. Errors that come from
 * a process also carry its `command`, `exitCode` or `signal`, `stdout` and `stderr`.
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly code: ProviderErrorCode;
  readonly command?: readonly string[];
  readonly exitCode?: number;
  readonly signal?: string;
  readonly stdout?: string;
  readonly stderr?: string;

  constructor(
    code: ProviderErrorCode,
    message: string,
    options?: { cause?: unknown } & ProviderErrorDetails,
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options?.command !== undefined) this.command = options.command;
    if (options?.exitCode !== undefined) this.exitCode = options.exitCode;
    if (options?.signal !== undefined) this.signal = options.signal;
    if (options?.stdout !== undefined) this.stdout = options.stdout;
    if (options?.stderr !== undefined) this.stderr = options.stderr;
  }
}
