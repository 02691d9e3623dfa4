/** Stable error codes thrown by this package. Codes are public API: add, never rename. */
export type CellSpecErrorCode = `ERR_METALOR_${string}`;

/**
 * The one error class this package throws. `code` is stable and machine-readable;
 * the message names the offending value and what was expected.
 */
export class CellSpecError extends Error {
  /** Always `'CellSpecError'`. */
  override readonly name = 'CellSpecError';
  /** Stable machine-readable code, e.g. `ERR_METALOR_PATH_NOT_ABSOLUTE`. */
  readonly code: CellSpecErrorCode;

  constructor(code: CellSpecErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
