import { CellSpecError } from '../errors.js';
import { formatPath } from '../spec/describe.js';
import { JsonFloat } from './json-float.js';

export { JsonFloat };

/** What {@link parseStrictJson} returns: integers beyond 2^53-1 come back as `bigint`. */
export type StrictJsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | JsonFloat
  | StrictJsonValue[]
  | { [key: string]: StrictJsonValue };

/** The deepest nesting accepted: serde_json's recursion limit of 128 refuses the 128th level. */
export const MAX_JSON_DEPTH = 127;

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const SAFE_DIGITS = String(Number.MAX_SAFE_INTEGER).length;
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;

/**
 * A small strict JSON reader with serde_json's rules: no byte order mark, no
 * duplicate keys, no trailing text, no raw control characters or lone surrogates in
 * strings, nesting at most {@link MAX_JSON_DEPTH}. Errors name the JSON path.
 */
class StrictJsonParser {
  private index = 0;
  private readonly path: (string | number)[] = [];

  constructor(private readonly source: string) {}

  parseDocument(): StrictJsonValue {
    if (this.source.charCodeAt(0) === 0xfeff) {
      this.fail('a byte order mark is not allowed before the JSON document');
    }
    const value = this.parseValue(0);
    this.skipWhitespace();
    if (this.index < this.source.length) this.fail('trailing characters after the JSON document');
    return value;
  }

  private fail(message: string, code: 'ERR_METALOR_REQUEST_SYNTAX' | 'ERR_METALOR_REQUEST_DUPLICATE_KEY' = 'ERR_METALOR_REQUEST_SYNTAX'): never {
    const before = this.source.slice(0, this.index);
    const line = before.split('\n').length;
    const column = this.index - before.lastIndexOf('\n');
    throw new CellSpecError(code, `${formatPath('$', this.path)}: ${message} (line ${line}, column ${column})`);
  }

  private skipWhitespace(): void {
    while (WHITESPACE.has(this.source.charCodeAt(this.index))) this.index += 1;
  }

  private parseValue(depth: number): StrictJsonValue {
    this.skipWhitespace();
    const char = this.source[this.index];
    if (char === '{') return this.parseObject(depth + 1);
    if (char === '[') return this.parseArray(depth + 1);
    if (char === '"') return this.parseString();
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.parseNumber();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.source.startsWith(word, this.index)) {
        this.index += word.length;
        return value;
      }
    }
    this.fail(char === undefined ? 'unexpected end of input, expected a value' : `expected a value, found ${JSON.stringify(char)}`);
  }

  private enter(depth: number): void {
    if (depth > MAX_JSON_DEPTH) this.fail(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
    this.index += 1;
    this.skipWhitespace();
  }

  private parseObject(depth: number): { [key: string]: StrictJsonValue } {
    this.enter(depth);
    const result: { [key: string]: StrictJsonValue } = Object.create(null);
    const seen = new Set<string>();
    if (this.source[this.index] === '}') {
      this.index += 1;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.source[this.index] !== '"') this.fail('expected a string key');
      const keyStart = this.index;
      const key = this.parseString();
      this.path.push(key);
      if (seen.has(key)) {
        this.index = keyStart;
        this.fail(`duplicate key ${JSON.stringify(key)}`, 'ERR_METALOR_REQUEST_DUPLICATE_KEY');
      }
      seen.add(key);
      this.skipWhitespace();
      if (this.source[this.index] !== ':') this.fail("expected ':' after the key");
      this.index += 1;
      result[key] = this.parseValue(depth);
      this.path.pop();
      if (this.endOfMember('}', 'an object')) return result;
    }
  }

  private parseArray(depth: number): StrictJsonValue[] {
    this.enter(depth);
    const result: StrictJsonValue[] = [];
    if (this.source[this.index] === ']') {
      this.index += 1;
      return result;
    }
    for (;;) {
      this.path.push(result.length);
      result.push(this.parseValue(depth));
      this.path.pop();
      if (this.endOfMember(']', 'an array')) return result;
    }
  }

  /** After a member: true past the closing bracket, false past a comma. */
  private endOfMember(close: string, container: string): boolean {
    this.skipWhitespace();
    const next = this.source[this.index];
    if (next !== close && next !== ',') this.fail(`expected ',' or '${close}' in ${container}`);
    this.index += 1;
    return next === close;
  }

  private parseNumber(): number | bigint | JsonFloat {
    NUMBER.lastIndex = this.index;
    const match = NUMBER.exec(this.source);
    if (!match) this.fail('invalid number');
    const text = match[0];
    this.index += text.length;
    const following = this.source.charCodeAt(this.index);
    if ((following >= 0x30 && following <= 0x39) || following === 0x2e || following === 0x65 || following === 0x45) {
      this.fail(`invalid number ${JSON.stringify(text + this.source[this.index])}`);
    }
    if (match[1] !== undefined || match[2] !== undefined) return new JsonFloat(text);
    // Decided on the digits, before any conversion could round a large value.
    const digits = text.startsWith('-') ? text.length - 1 : text.length;
    if (digits < SAFE_DIGITS) return Number(text);
    const big = BigInt(text);
    const limit = BigInt(Number.MAX_SAFE_INTEGER);
    return big > limit || big < -limit ? big : Number(text);
  }

  private parseString(): string {
    const source = this.source;
    let index = this.index + 1;
    let out = '';
    let chunkStart = index;
    for (;;) {
      const code = source.charCodeAt(index);
      if (Number.isNaN(code)) {
        this.index = index;
        this.fail('unterminated string');
      }
      if (code === 0x22) break;
      if (code < 0x20) {
        this.index = index;
        this.fail(`control character U+${code.toString(16).padStart(4, '0')} must be escaped in a string`);
      }
      if (code === 0x5c) {
        out += source.slice(chunkStart, index);
        index = this.parseEscape(index, (text) => {
          out += text;
        });
        chunkStart = index;
        continue;
      }
      index += 1;
    }
    out += source.slice(chunkStart, index);
    this.index = index + 1;
    if (!(out as string & { isWellFormed(): boolean }).isWellFormed()) {
      this.index = index;
      this.fail('lone surrogate in a string');
    }
    return out;
  }

  private parseEscape(index: number, emit: (text: string) => void): number {
    const letter = this.source[index + 1];
    if (letter === undefined) {
      this.index = index;
      this.fail('unterminated escape');
    }
    if (letter !== 'u') {
      const replacement = ESCAPES[letter];
      if (replacement === undefined) {
        this.index = index;
        this.fail(`invalid escape ${JSON.stringify(`\\${letter}`)}`);
      }
      emit(replacement);
      return index + 2;
    }
    const hex = this.source.slice(index + 2, index + 6);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
      this.index = index;
      this.fail('invalid \\u escape, expected four hex digits');
    }
    emit(String.fromCharCode(Number.parseInt(hex, 16)));
    return index + 6;
  }
}

/**
 * Parses JSON text with serde_json's strictness plus duplicate-key detection.
 *
 * @throws {CellSpecError} `ERR_METALOR_REQUEST_SYNTAX` or `ERR_METALOR_REQUEST_DUPLICATE_KEY`,
 * the message naming the JSON path, line and column.
 */
export function parseStrictJson(source: string): StrictJsonValue {
  return new StrictJsonParser(source).parseDocument();
}
