/** Stable error codes thrown by this package. Codes are public API: add, never rename. */
export type DslErrorCode = `ERR_METALOR_${string}`;

/**
 * The one error class this package throws. `code` is stable and machine-readable;
 * the message names the offending value and what was expected.
 */
export class DslError extends Error {
  override readonly name = 'DslError';
  readonly code: DslErrorCode;

  constructor(code: DslErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
