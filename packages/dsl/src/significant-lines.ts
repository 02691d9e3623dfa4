import { assertString } from './assert-input.js';
import { contentStart, skipTrimmable, trimEndIndex } from './whitespace.js';

/** A line that carries content: its 1-based number and its trimmed text. */
export interface SignificantLine {
  /** 1-based physical line number (lines end at `\n`; a `\r` before it is trimmed away). */
  number: number;
  /** The line with surrounding whitespace removed; never empty, never starts with `#`. */
  text: string;
}

const HASH = 0x23;

/**
 * Lazily yields every line of `source` that is neither blank nor a `#` comment,
 * trimmed, with its 1-based line number. Lines end at `\n` or `\r\n`; a final
 * line without a newline counts; a leading byte-order mark is ignored.
 * Lines are found one at a time with `indexOf`, so the source is never split
 * into an array. Trimming follows `String.prototype.trim`.
 *
 * @throws {DslError} `ERR_METALOR_DSL_INVALID_ARGUMENT` when `source` is not a string
 *   (thrown by the call itself, before iteration starts).
 */
export function significantLines(source: string): IterableIterator<SignificantLine> {
  assertString(source, 'source');
  return scanSignificantLines(source);
}

function* scanSignificantLines(source: string): IterableIterator<SignificantLine> {
  const length = source.length;
  let start = contentStart(source);
  let number = 0;
  while (start < length) {
    let end = source.indexOf('\n', start);
    if (end === -1) end = length;
    number++;
    const first = skipTrimmable(source, start, end);
    if (first < end && source.charCodeAt(first) !== HASH) {
      yield { number, text: source.slice(first, trimEndIndex(source, first, end)) };
    }
    start = end + 1;
  }
}
