import { describe, expect, it } from 'vitest';
import { DslErrorCodes, significantLines } from './index.js';
import { expectDslError } from '../test/expect-dsl-error.js';

const collect = (source: string) => [...significantLines(source)];

describe('significantLines', () => {
  it('filters blank and comment lines and trims, like the crate', () => {
    const source = '\n      # comment\n\n      FIRST thing\n        SECOND thing\n      ';
    expect(collect(source)).toEqual([
      { number: 4, text: 'FIRST thing' },
      { number: 5, text: 'SECOND thing' },
    ]);
  });

  it('handles CRLF line endings', () => {
    expect(collect('A 1\r\n\r\n# c\r\nB 2\r\n')).toEqual([
      { number: 1, text: 'A 1' },
      { number: 4, text: 'B 2' },
    ]);
  });

  it('yields a final line without a newline', () => {
    expect(collect('A\nB')).toEqual([
      { number: 1, text: 'A' },
      { number: 2, text: 'B' },
    ]);
    expect(collect('only')).toEqual([{ number: 1, text: 'only' }]);
  });

  it('trims tabs and treats tab-indented comments as comments', () => {
    expect(collect('\tRUN make\t\t\n\t# note\t\n \t \nX\t')).toEqual([
      { number: 1, text: 'RUN make' },
      { number: 4, text: 'X' },
    ]);
  });

  it('strips a leading BOM so a first-line comment stays a comment and numbering is unchanged', () => {
    expect(collect('\uFEFF# syntax\nFROM x')).toEqual([{ number: 2, text: 'FROM x' }]);
    expect(collect('\uFEFFFROM x')).toEqual([{ number: 1, text: 'FROM x' }]);
  });

  it('keeps # that is not at the start of the trimmed text', () => {
    expect(collect('RUN echo # not a comment')).toEqual([{ number: 1, text: 'RUN echo # not a comment' }]);
  });

  it('does not split on a lone carriage return', () => {
    expect(collect('A\rB\n')).toEqual([{ number: 1, text: 'A\rB' }]);
  });

  it('yields nothing for empty or all-insignificant sources', () => {
    expect(collect('')).toEqual([]);
    expect(collect('\n\n  \n#x\n')).toEqual([]);
    expect(collect('\uFEFF')).toEqual([]);
  });

  it('is lazy: it yields the first line before looking at the rest', () => {
    const lines = significantLines('FIRST\n' + 'x\n'.repeat(10));
    expect(lines.next().value).toEqual({ number: 1, text: 'FIRST' });
    expect(lines[Symbol.iterator]()).toBe(lines);
  });

  it('is an iterator like a generator: %IteratorPrototype% is in its chain, and it stays done', () => {
    const iteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
    const lines = significantLines('A');
    expect(Object.getPrototypeOf(Object.getPrototypeOf(lines))).toBe(iteratorPrototype);
    expect([lines.next(), lines.next(), lines.next()]).toEqual([
      { done: false, value: { number: 1, text: 'A' } },
      { done: true, value: undefined },
      { done: true, value: undefined },
    ]);
  });

  it('rejects a non-string source when called', () => {
    expectDslError(() => significantLines(null as unknown as string), {
      code: DslErrorCodes.invalidArgument,
      message: 'source must be a string, got null',
    });
    expectDslError(() => significantLines(['a'] as unknown as string), {
      code: DslErrorCodes.invalidArgument,
      message: 'source must be a string, got an array',
    });
  });
});
