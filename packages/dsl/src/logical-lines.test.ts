import { describe, expect, it } from 'vitest';
import { DslErrorCodes, logicalLines } from './index.js';
import { expectDslError } from '../test/expect-dsl-error.js';

const collect = (source: string, options?: Parameters<typeof logicalLines>[1]) => [...logicalLines(source, options)];

describe('logicalLines', () => {
  it('yields single lines like significantLines, with positions', () => {
    expect(collect('# c\n\n  FROM x\nRUN y')).toEqual([
      { text: 'FROM x', firstLine: 3, lastLine: 3, column: 3 },
      { text: 'RUN y', firstLine: 4, lastLine: 4, column: 1 },
    ]);
  });

  it('joins backslash continuations with one space between trimmed pieces', () => {
    const source = 'RUN apt-get update \\\n    && apt-get install -y \\\n\tcurl\nCMD x';
    expect(collect(source)).toEqual([
      { text: 'RUN apt-get update && apt-get install -y curl', firstLine: 1, lastLine: 3, column: 1 },
      { text: 'CMD x', firstLine: 4, lastLine: 4, column: 1 },
    ]);
  });

  it('allows whitespace after the backslash and CRLF endings', () => {
    expect(collect('RUN a \\  \r\n  b\r\n')).toEqual([{ text: 'RUN a b', firstLine: 1, lastLine: 2, column: 1 }]);
  });

  it('skips comment and blank lines inside a continuation without ending it', () => {
    const source = 'RUN a \\\n# comment \\\n\n   \n  && b\nX';
    expect(collect(source)).toEqual([
      { text: 'RUN a && b', firstLine: 1, lastLine: 5, column: 1 },
      { text: 'X', firstLine: 6, lastLine: 6, column: 1 },
    ]);
  });

  it('lets a line of only the continuation character extend without adding text', () => {
    expect(collect('RUN a \\\n\\\nb')).toEqual([{ text: 'RUN a b', firstLine: 1, lastLine: 3, column: 1 }]);
    expect(collect('\\\nRUN b')).toEqual([{ text: 'RUN b', firstLine: 2, lastLine: 2, column: 1 }]);
  });

  it('ends an open continuation at the end of the source', () => {
    expect(collect('RUN a \\')).toEqual([{ text: 'RUN a', firstLine: 1, lastLine: 1, column: 1 }]);
    expect(collect('RUN a \\\n\n# tail\n')).toEqual([{ text: 'RUN a', firstLine: 1, lastLine: 1, column: 1 }]);
  });

  it('does not count a BOM in the first line column', () => {
    expect(collect('\uFEFF  FROM x')).toEqual([{ text: 'FROM x', firstLine: 1, lastLine: 1, column: 3 }]);
  });

  it('supports another continuation character, e.g. a backtick', () => {
    expect(collect('RUN dir `\n  /s\nRUN a \\', { continuation: '`' })).toEqual([
      { text: 'RUN dir /s', firstLine: 1, lastLine: 2, column: 1 },
      { text: 'RUN a \\', firstLine: 3, lastLine: 3, column: 1 },
    ]);
  });

  it('rejects bad arguments when called', () => {
    const invalid = (message: string) => ({ code: DslErrorCodes.invalidArgument, message });
    expectDslError(() => logicalLines(5 as unknown as string), invalid('source must be a string, got number'));
    expectDslError(() => logicalLines('', null as never), invalid('options must be an object, got null'));
    expectDslError(() => logicalLines('', { continuation: '' }), invalid('options.continuation must be one non-whitespace character, got ""'));
    expectDslError(() => logicalLines('', { continuation: ' ' }), invalid('options.continuation must be one non-whitespace character, got " "'));
    expectDslError(() => logicalLines('', { continuation: '\\\\' }), invalid('options.continuation must be one non-whitespace character, got "\\\\\\\\"'));
    expectDslError(() => logicalLines('', { continuation: 1 } as never), invalid('options.continuation must be one non-whitespace character, got number'));
  });
});
