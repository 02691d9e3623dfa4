import { describe, expect, it } from 'vitest';
import { DslError, DslErrorCodes, formatDiagnostic } from './index.js';
import { expectDslError } from '../test/expect-dsl-error.js';

const invalid = (line?: number, column?: number) =>
  new DslError(DslErrorCodes.execArrayInvalid, 'invalid exec-form array', { line, column });

describe('formatDiagnostic', () => {
  it('renders the line with a caret under the column', () => {
    const source = 'FROM base\nRUN ["sh", 1]\n';
    expect(formatDiagnostic(source, invalid(2, 12))).toBe(
      [
        'ERR_METALOR_DSL_EXEC_ARRAY_INVALID: invalid exec-form array',
        ' --> line 2, column 12',
        '  |',
        '2 | RUN ["sh", 1]',
        '  |            ^',
      ].join('\n'),
    );
  });

  it('keeps tabs before the column so the caret lines up, and drops \\r', () => {
    const lines = formatDiagnostic('\tRUN x\r\n', invalid(1, 6)).split('\n');
    expect(lines.slice(3)).toEqual(['1 | \tRUN x', '  | \t    ^']);
  });

  it('widens the gutter for multi-digit line numbers', () => {
    const source = `${'\n'.repeat(11)}RUN [1]`;
    expect(formatDiagnostic(source, invalid(12, 6)).split('\n').slice(1)).toEqual([
      '  --> line 12, column 6',
      '   |',
      '12 | RUN [1]',
      '   |      ^',
    ]);
  });

  it('ignores a BOM on the first line', () => {
    expect(formatDiagnostic('\uFEFFRUN x', invalid(1, 5)).split('\n').slice(3)).toEqual(['1 | RUN x', '  |     ^']);
  });

  it('shows only the header without a line, and no caret without a column', () => {
    expect(formatDiagnostic('x', invalid())).toBe('ERR_METALOR_DSL_EXEC_ARRAY_INVALID: invalid exec-form array');
    expect(formatDiagnostic('x\ny', invalid(2)).split('\n')).toEqual([
      'ERR_METALOR_DSL_EXEC_ARRAY_INVALID: invalid exec-form array',
      ' --> line 2',
      '  |',
      '2 | y',
    ]);
  });

  it('shows only the location when the line is not in the source', () => {
    expect(formatDiagnostic('x\n', invalid(2, 1))).toBe(
      'ERR_METALOR_DSL_EXEC_ARRAY_INVALID: invalid exec-form array\n --> line 2, column 1',
    );
    expect(formatDiagnostic('x', invalid(0, 1)).split('\n')).toHaveLength(2);
  });

  it('puts a caret just past the end for errors at the end of input', () => {
    expect(formatDiagnostic('RUN ["a', invalid(1, 8)).split('\n').slice(3)).toEqual(['1 | RUN ["a', '  |        ^']);
  });

  it('shows a window around the column of a very long line', () => {
    const line = `${'a'.repeat(5000)}X${'b'.repeat(5000)}`;
    const [, , , shown, caret] = formatDiagnostic(line, invalid(1, 5001)).split('\n');
    expect(shown).toMatch(/^1 \| …a+Xb+…$/);
    expect(shown!.length).toBeLessThan(130);
    expect(caret!.indexOf('^')).toBe(shown!.indexOf('X'));
  });

  it('rejects bad arguments', () => {
    expectDslError(() => formatDiagnostic('x', new Error('plain') as DslError), {
      code: DslErrorCodes.invalidArgument,
      message: 'error must be a DslError, got object',
    });
    expectDslError(() => formatDiagnostic(undefined as never, invalid()), {
      code: DslErrorCodes.invalidArgument,
      message: 'source must be a string, got undefined',
    });
  });
});
