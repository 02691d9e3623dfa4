/** Stable error codes thrown by this package. Codes are public API: add, never rename. */
export type DslErrorCode = `ERR_METALOR_${string}`;

/** Every code this package throws, by the kind of mistake it reports. */
export const DslErrorCodes = {
  /** An argument has the wrong type (e.g. `source` is not a string) or an option is malformed. */
  invalidArgument: 'ERR_METALOR_DSL_INVALID_ARGUMENT',
  /** `parseExecArray`: the trimmed input does not start with `[`. */
  execArraySyntax: 'ERR_METALOR_DSL_EXEC_ARRAY_SYNTAX',
  /** `parseExecArray`: the input is not a JSON array of strings. */
  execArrayInvalid: 'ERR_METALOR_DSL_EXEC_ARRAY_INVALID',
  /** `parseExecArray`: the array is `[]`. */
  execArrayEmpty: 'ERR_METALOR_DSL_EXEC_ARRAY_EMPTY',
  /** `interpolateBracedVariables`: `${NAME}` where NAME is not an identifier and not a key of the variables. */
  invalidReference: 'ERR_METALOR_DSL_INVALID_REFERENCE',
  /** `interpolateBracedVariables`: `${NAME}` where NAME has no value. */
  undefinedVariable: 'ERR_METALOR_DSL_UNDEFINED_VARIABLE',
  /** `interpolateBracedVariables`: `${` without a closing `}`. */
  unterminatedExpansion: 'ERR_METALOR_DSL_UNTERMINATED_EXPANSION',
  /** `splitInstruction`: the text is empty or only whitespace. */
  emptyInstruction: 'ERR_METALOR_DSL_EMPTY_INSTRUCTION',
  /** `parseCommandForm`: there is no command after the keyword. */
  emptyCommand: 'ERR_METALOR_DSL_EMPTY_COMMAND',
} as const satisfies Record<string, DslErrorCode>;

/** Where an error was found: 1-based line and column, each present only when known. */
export interface DslErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
  /** 1-based line number in the source the error refers to. */
  line?: number;
  /** 1-based column (UTF-16 code units) in that line, or in the string given to the throwing function. */
  column?: number;
}

/**
 * The one error class this package throws. `code` is stable and machine-readable;
 * the message names the offending value and what was expected. `line` and
 * `column` (1-based) are set when the position is known: functions that only
 * see one string set `column` relative to that string; use {@link DslError.withLocation}
 * to place it in a whole source.
 */
export class DslError extends Error {
  /** Always `'DslError'`. */
  override readonly name = 'DslError';
  /** Stable machine-readable code, one of {@link DslErrorCodes} for errors this package throws. */
  readonly code: DslErrorCode;
  /** 1-based line in the source, when known. */
  readonly line: number | undefined;
  /** 1-based column (UTF-16 code units), when known. */
  readonly column: number | undefined;

  /** Creates an error with a stable `code`, a message, and optionally its position and cause. Never throws. */
  constructor(code: DslErrorCode, message: string, options: DslErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.line = options.line;
    this.column = options.column;
  }

  /**
   * Returns a copy of this error placed at `line` of a larger source, where the
   * string that produced it started at `column` (1-based) of that line. The
   * copy's `column` is shifted accordingly; code, message and cause are kept.
   * Never throws.
   */
  withLocation(line: number, column = 1): DslError {
    const shifted = this.column === undefined ? column : column + this.column - 1;
    return new DslError(this.code, this.message, { cause: this.cause, line, column: shifted });
  }
}
