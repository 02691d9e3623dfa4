/** Stable error codes thrown by this package. Codes are public API: add, never rename. */
export type ProviderErrorCode = `ERR_METALOR_${string}`;

/**
 * The one error class this package throws. `code` is stable and machine-readable;
 * the message names the offending value and what was expected.
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly code: ProviderErrorCode;

  constructor(code: ProviderErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
