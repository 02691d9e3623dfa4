/** Stable error codes thrown by this package. Codes are public API: add, never rename. */
export type LinuxRuntimeErrorCode = `ERR_METALOR_${string}`;

/**
 * The one error class this package throws. `code` is stable and machine-readable;
 * the message names the offending value and what was expected.
 */
export class LinuxRuntimeError extends Error {
  override readonly name = 'LinuxRuntimeError';
  readonly code: LinuxRuntimeErrorCode;

  constructor(code: LinuxRuntimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
