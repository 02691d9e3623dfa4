import { describe, expect, it } from 'vitest';
import { CellSpecError } from '../errors.js';
import { JsonFloat } from './json-float.js';
import { MAX_JSON_DEPTH, parseStrictJson } from './strict-json.js';

function failure(text: string): CellSpecError {
  try {
    parseStrictJson(text);
  } catch (error) {
    expect(error).toBeInstanceOf(CellSpecError);
    return error as CellSpecError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

describe('parseStrictJson', () => {
  it('reads what JSON.parse reads for ordinary documents', () => {
    const text = ' {"a": [1, -2, true, false, null, "x\\u00e9\\ud83d\\ude80\\n"], "b": {}, "c": []}\n\t';
    expect(parseStrictJson(text)).toEqual(JSON.parse(text));
  });

  it('keeps fractions and exponents apart from integers', () => {
    expect(parseStrictJson('[1.0, 1e3, -0.5]')).toEqual([new JsonFloat('1.0'), new JsonFloat('1e3'), new JsonFloat('-0.5')]);
  });

  it('returns integers beyond 2^53-1 as bigint, decided on the digits', () => {
    expect(parseStrictJson('9007199254740991')).toBe(9007199254740991);
    expect(parseStrictJson('9007199254740992')).toBe(9007199254740992n);
    expect(parseStrictJson('18446744073709551616')).toBe(18446744073709551616n);
    expect(parseStrictJson('-9007199254740993')).toBe(-9007199254740993n);
  });

  it.each([
    ['{"a": 1, "a": 2}', 'ERR_METALOR_REQUEST_DUPLICATE_KEY', '$.a: duplicate key "a" (line 1, column 10)'],
    ['{"o": {"k": 1,\n "k": 1}}', 'ERR_METALOR_REQUEST_DUPLICATE_KEY', '$.o.k: duplicate key "k" (line 2, column 2)'],
    ['\ufeff{}', 'ERR_METALOR_REQUEST_SYNTAX', '$: a byte order mark is not allowed before the JSON document (line 1, column 1)'],
    ['{} {}', 'ERR_METALOR_REQUEST_SYNTAX', '$: trailing characters after the JSON document (line 1, column 4)'],
    ['[1,]', 'ERR_METALOR_REQUEST_SYNTAX', '$[1]: expected a value, found "]" (line 1, column 4)'],
    ['{"a":1,}', 'ERR_METALOR_REQUEST_SYNTAX', '$: expected a string key (line 1, column 8)'],
    ['[01]', 'ERR_METALOR_REQUEST_SYNTAX', '$[0]: invalid number "01" (line 1, column 3)'],
    ['[1.]', 'ERR_METALOR_REQUEST_SYNTAX', '$[0]: invalid number "1." (line 1, column 3)'],
    ['["a\tb"]', 'ERR_METALOR_REQUEST_SYNTAX', '$[0]: control character U+0009 must be escaped in a string (line 1, column 4)'],
    ['["\\x"]', 'ERR_METALOR_REQUEST_SYNTAX', '$[0]: invalid escape "\\\\x" (line 1, column 3)'],
    ['["\\ud800"]', 'ERR_METALOR_REQUEST_SYNTAX', '$[0]: lone surrogate in a string (line 1, column 9)'],
    ['["abc', 'ERR_METALOR_REQUEST_SYNTAX', '$[0]: unterminated string (line 1, column 6)'],
    ['{"a" 1}', 'ERR_METALOR_REQUEST_SYNTAX', `$.a: expected ':' after the key (line 1, column 6)`],
    ['{"a":1 "b":2}', 'ERR_METALOR_REQUEST_SYNTAX', `$: expected ',' or '}' in an object (line 1, column 8)`],
    ['[[1 2]]', 'ERR_METALOR_REQUEST_SYNTAX', `$[0]: expected ',' or ']' in an array (line 1, column 5)`],
    ['nul', 'ERR_METALOR_REQUEST_SYNTAX', '$: expected a value, found "n" (line 1, column 1)'],
    ['', 'ERR_METALOR_REQUEST_SYNTAX', '$: unexpected end of input, expected a value (line 1, column 1)'],
  ])('refuses %j', (text, code, message) => {
    const error = failure(text);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels`, () => {
    expect(() => parseStrictJson('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).not.toThrow();
    expect(failure('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1)).message).toContain('nesting deeper than 127 levels');
  });

  it('treats __proto__ as an ordinary key', () => {
    const value = parseStrictJson('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
