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
 * into an array. Trimming follows `String.prototype.trim`. Where the runtime
 * has iterator helpers (Node 22+), the result has them (`.map`, `.toArray`, ...).
 *
 * @throws {DslError} `ERR_METALOR_DSL_INVALID_ARGUMENT` when `source` is not a string
 *   (thrown by the call itself, before iteration starts).
 */
export function significantLines(source: string): IterableIterator<SignificantLine> {
  assertString(source, 'source');
  return new SignificantLineIterator(source);
}

/**
 * A hand-written iterator rather than a generator: this is the hot path, and
 * resuming a generator per line costs noticeably more than a method call.
 */
class SignificantLineIterator implements IterableIterator<SignificantLine> {
  private start: number;
  private number = 0;

  constructor(private readonly source: string) {
    this.start = contentStart(source);
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<SignificantLine, undefined> {
    const source = this.source;
    const length = source.length;
    let start = this.start;
    while (start < length) {
      let end = source.indexOf('\n', start);
      if (end === -1) end = length;
      const number = ++this.number;
      const first = skipTrimmable(source, start, end);
      start = end + 1;
      if (first < end && source.charCodeAt(first) !== HASH) {
        this.start = start;
        return { done: false, value: { number, text: source.slice(first, trimEndIndex(source, first, end)) } };
      }
    }
    this.start = length;
    return { done: true, value: undefined };
  }
}

// Inherit %IteratorPrototype%, as generators do, so iterator helpers work where the runtime has them.
Object.setPrototypeOf(
  SignificantLineIterator.prototype,
  Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as object,
);
