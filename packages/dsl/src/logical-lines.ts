import { assertString, describeValue, quote } from './assert-input.js';
import { DslError, DslErrorCodes } from './errors.js';
import { contentStart, isTrimmable, skipTrimmable, trimEndIndex } from './whitespace.js';

/** A significant line with its continuations joined. */
export interface LogicalLine {
  /** The joined text: each physical piece trimmed, continuation character removed, pieces joined by one space. */
  text: string;
  /** 1-based number of the physical line the text starts on. */
  firstLine: number;
  /** 1-based number of the last physical line that contributed to it. */
  lastLine: number;
  /** 1-based column in `firstLine` where `text` starts (after indentation; a BOM is not counted). */
  column: number;
}

/** Options for {@link logicalLines}. */
export interface LogicalLinesOptions {
  /** The line-continuation character, `\` by default (a Dockerfile `# escape=`` ` `` uses a backtick). */
  continuation?: string;
}

const HASH = 0x23;

/**
 * Lazily yields the logical lines of `source`: significant lines (as in
 * `significantLines`) where a line whose trimmed text ends with the
 * continuation character (`\` by default) continues on the next significant
 * line. Inside a continuation, blank lines and `#` comment lines are skipped
 * without ending it, as Docker does. A line that is only the continuation
 * character starts nothing; a continuation still open at the end of the
 * source ends there.
 *
 * @throws {DslError} `ERR_METALOR_DSL_INVALID_ARGUMENT` (from the call itself) when `source`
 *   is not a string or `options.continuation` is not one non-whitespace character.
 */
export function logicalLines(source: string, options?: LogicalLinesOptions): IterableIterator<LogicalLine> {
  assertString(source, 'source');
  return scanLogicalLines(source, normalizeContinuation(options));
}

function normalizeContinuation(options: unknown): number {
  if (options === undefined) return 0x5c;
  if (typeof options !== 'object' || options === null) {
    throw new DslError(DslErrorCodes.invalidArgument, `options must be an object, got ${describeValue(options)}`);
  }
  const { continuation = '\\' } = options as Record<string, unknown>;
  if (typeof continuation !== 'string' || continuation.length !== 1 || isTrimmable(continuation.charCodeAt(0))) {
    throw new DslError(
      DslErrorCodes.invalidArgument,
      `options.continuation must be one non-whitespace character, got ${typeof continuation === 'string' ? quote(continuation) : describeValue(continuation)}`,
    );
  }
  return continuation.charCodeAt(0);
}

function* scanLogicalLines(source: string, continuation: number): IterableIterator<LogicalLine> {
  const length = source.length;
  let start = contentStart(source);
  let lineStart = start;
  let number = 0;
  let pending: LogicalLine | undefined;
  while (start < length) {
    let end = source.indexOf('\n', start);
    if (end === -1) end = length;
    number++;
    const first = skipTrimmable(source, start, end);
    if (first < end && source.charCodeAt(first) !== HASH) {
      const last = trimEndIndex(source, first, end);
      const continues = source.charCodeAt(last - 1) === continuation;
      const piece = source.slice(first, continues ? trimEndIndex(source, first, last - 1) : last);
      if (pending) {
        if (piece !== '') pending.text += ` ${piece}`;
        pending.lastLine = number;
      } else if (piece !== '') {
        pending = { text: piece, firstLine: number, lastLine: number, column: first - lineStart + 1 };
      }
      if (pending && !continues) {
        yield pending;
        pending = undefined;
      }
    }
    start = end + 1;
    lineStart = start;
  }
  if (pending) yield pending;
}
