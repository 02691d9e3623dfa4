import { describe, expect, it } from 'vitest';
import { DslErrorCodes, parseExecArray } from './index.js';
import { expectDslError } from '../test/expect-dsl-error.js';

const SYNTAX = { code: DslErrorCodes.execArraySyntax, message: 'exec-form arrays must use JSON array syntax' };
const INVALID = { code: DslErrorCodes.execArrayInvalid, message: 'invalid exec-form array' };
const EMPTY = { code: DslErrorCodes.execArrayEmpty, message: 'exec-form arrays must not be empty' };

describe('parseExecArray', () => {
  it('parses a JSON array of strings', () => {
    expect(parseExecArray('["clang", "-c", "main.c"]')).toEqual(['clang', '-c', 'main.c']);
  });

  it('trims surrounding whitespace and allows JSON whitespace inside', () => {
    expect(parseExecArray(' \t[\n "a" ,\r\n\t"b" ]\n ')).toEqual(['a', 'b']);
  });

  it('decodes every JSON escape, including surrogate pairs', () => {
    expect(parseExecArray(String.raw`["\"q\"", "\\", "\/", "\b\f\n\r\t", "\u00e9\u20AC", "\ud83d\ude00"]`)).toEqual([
      '"q"', '\\', '/', '\b\f\n\r\t', 'é€', '😀',
    ]);
  });

  it('passes non-ASCII characters through', () => {
    expect(parseExecArray('["échø", "日本", "😀"]')).toEqual(['échø', '日本', '😀']);
  });

  it('agrees with JSON.parse on valid arrays', () => {
    const raw = JSON.stringify(['sh', '-c', 'echo "hi" \\ \u0001 \u2028 done']);
    expect(parseExecArray(raw)).toEqual(JSON.parse(raw));
  });

  it.each([
    ['"clang -c main.c"', 1],
    ['clang -c', 1],
    ['', 1],
    ['   ', 1],
    ['{"a": 1}', 1],
    ['  x[', 3],
  ])('rejects %j, which does not start with [', (raw, column) => {
    expectDslError(() => parseExecArray(raw), { ...SYNTAX, column });
  });

  it('rejects an empty array', () => {
    expectDslError(() => parseExecArray('[]'), { ...EMPTY, column: 1 });
    expectDslError(() => parseExecArray('  [ \n ] '), { ...EMPTY, column: 3 });
  });

  it.each([
    ['[1]', 2],
    ['["a", 1]', 7],
    ['["a", null]', 7],
    ['[["a"]]', 2],
    ['[true]', 2],
    ['["a",]', 6],
    ['[,"a"]', 2],
    ['["a" "b"]', 6],
    ['["a"]]', 6],
    ['["a"] x', 7],
    ['[', 2],
    ['["a"', 5],
    ['["a', 4],
    ["['a']", 2],
    ['["a\\x"]', 4],
    ['["a\\', 4],
    ['["\\u12"]', 3],
    ['["\\u12G4"]', 3],
    ['["\\ud800"]', 3],
    ['["\\ud800\\u0041"]', 9],
    ['["\\udc00"]', 3],
    ['["tab\there"]', 6],
    ['["new\nline"]', 6],
    ['[\u00a0"a"]', 2],
    ['[] []', 4],
  ])('rejects %j as an invalid array, pointing at the culprit', (raw, column) => {
    expectDslError(() => parseExecArray(raw), { ...INVALID, column });
  });

  it('rejects a non-string argument', () => {
    expectDslError(() => parseExecArray(undefined as unknown as string), {
      code: DslErrorCodes.invalidArgument,
      message: 'raw must be a string, got undefined',
    });
  });
});
