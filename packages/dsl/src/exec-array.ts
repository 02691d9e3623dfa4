import { assertString } from './assert-input.js';
import { DslError, DslErrorCodes } from './errors.js';
import { skipTrimmable, trimEndIndex } from './whitespace.js';

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Parses an exec-form command such as `["clang", "-c", "main.c"]`: after
 * trimming, `raw` must be a JSON array of strings with at least one element.
 * Valid input goes through `JSON.parse` (fast); anything it rejects is re-read
 * by a small scanner that knows the exact column of the mistake, identically
 * on every Node version.
 *
 * @throws {DslError} with `column` (1-based, in `raw`) and, by case:
 *   `ERR_METALOR_DSL_EXEC_ARRAY_SYNTAX` "exec-form arrays must use JSON array syntax" when it does not start with `[`;
 *   `ERR_METALOR_DSL_EXEC_ARRAY_INVALID` "invalid exec-form array" when it is not a JSON array of strings;
 *   `ERR_METALOR_DSL_EXEC_ARRAY_EMPTY` "exec-form arrays must not be empty" for `[]`;
 *   `ERR_METALOR_DSL_INVALID_ARGUMENT` when `raw` is not a string.
 */
export function parseExecArray(raw: string): string[] {
  assertString(raw, 'raw');
  const end = trimEndIndex(raw, 0, raw.length);
  const start = skipTrimmable(raw, 0, end);
  if (raw.charCodeAt(start) !== OPEN_BRACKET) {
    throw new DslError(DslErrorCodes.execArraySyntax, 'exec-form arrays must use JSON array syntax', {
      column: start + 1,
    });
  }
  const argv = readStringArray(raw, start, end);
  if (argv.length === 0) {
    throw new DslError(DslErrorCodes.execArrayEmpty, 'exec-form arrays must not be empty', {
      column: start + 1,
    });
  }
  return argv;
}

/**
 * `JSON.parse` accepts exactly JSON's grammar, which the scanner also implements;
 * the scanner alone decides `\u` escapes, because it rejects lone surrogates as
 * the Rust crate's serde_json does and `JSON.parse` does not.
 */
function readStringArray(raw: string, open: number, end: number): string[] {
  const json = raw.slice(open, end);
  if (!json.includes('\\u')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      parsed = undefined;
    }
    if (Array.isArray(parsed) && allStrings(parsed)) return parsed as string[];
  }
  return new ExecArrayScanner(raw, open + 1, end).scan();
}

function allStrings(items: unknown[]): boolean {
  for (const item of items) if (typeof item !== 'string') return false;
  return true;
}

/** Reads `"string", ...]` from `position` up to `end`, which must be the closing bracket's end. */
class ExecArrayScanner {
  constructor(
    private readonly raw: string,
    private position: number,
    private readonly end: number,
  ) {}

  scan(): string[] {
    const argv: string[] = [];
    this.skipJsonWhitespace();
    if (this.peek() === CLOSE_BRACKET) {
      this.position++;
      return this.finish(argv);
    }
    for (;;) {
      argv.push(this.readString());
      this.skipJsonWhitespace();
      const next = this.peek();
      this.position++;
      if (next === CLOSE_BRACKET) return this.finish(argv);
      if (next !== COMMA) this.fail(this.position - 1);
      this.skipJsonWhitespace();
    }
  }

  /** The closing bracket has been consumed: nothing may follow it. */
  private finish(argv: string[]): string[] {
    this.skipJsonWhitespace();
    if (this.position !== this.end) this.fail(this.position);
    return argv;
  }

  private peek(): number {
    return this.position < this.end ? this.raw.charCodeAt(this.position) : -1;
  }

  private skipJsonWhitespace(): void {
    for (;;) {
      const code = this.peek();
      if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return;
      this.position++;
    }
  }

  private readString(): string {
    if (this.peek() !== QUOTE) this.fail(this.position);
    let value = '';
    let runStart = ++this.position;
    for (;;) {
      const code = this.peek();
      if (code === QUOTE) {
        value += this.raw.slice(runStart, this.position++);
        return value;
      }
      if (code < 0x20) this.fail(this.position); // control character or end of input
      if (code === BACKSLASH) {
        value += this.raw.slice(runStart, this.position) + this.readEscape();
        runStart = this.position;
      } else {
        this.position++;
      }
    }
  }

  private readEscape(): string {
    const at = this.position;
    if (at + 1 >= this.end) this.fail(at);
    this.position += 2;
    switch (this.raw.charCodeAt(at + 1)) {
      case QUOTE: return '"';
      case BACKSLASH: return '\\';
      case 0x2f: return '/';
      case 0x62: return '\b';
      case 0x66: return '\f';
      case 0x6e: return '\n';
      case 0x72: return '\r';
      case 0x74: return '\t';
      case 0x75: return this.readUnicodeEscape(at);
      default: return this.fail(at);
    }
  }

  /** `\uXXXX`, where a surrogate must form a pair, as the Rust crate's serde_json requires. */
  private readUnicodeEscape(at: number): string {
    const unit = this.readHex4(at);
    if (unit >= 0xdc00 && unit <= 0xdfff) this.fail(at);
    if (unit < 0xd800 || unit > 0xdbff) return String.fromCharCode(unit);
    const low = this.position;
    if (low + 1 >= this.end || this.raw.charCodeAt(low) !== BACKSLASH || this.raw.charCodeAt(low + 1) !== 0x75) this.fail(at);
    this.position += 2;
    const trail = this.readHex4(low);
    if (trail < 0xdc00 || trail > 0xdfff) this.fail(low);
    return String.fromCharCode(unit, trail);
  }

  private readHex4(at: number): number {
    const digits = this.raw.slice(this.position, this.position + 4);
    if (this.position + 4 > this.end || !/^[0-9A-Fa-f]{4}$/.test(digits)) this.fail(at);
    this.position += 4;
    return Number.parseInt(digits, 16);
  }

  private fail(index: number): never {
    throw new DslError(DslErrorCodes.execArrayInvalid, 'invalid exec-form array', {
      column: Math.min(index, this.end) + 1,
    });
  }
}
