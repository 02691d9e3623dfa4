import { describe, expect, it } from 'vitest';
import { DslError, DslErrorCodes } from './index.js';

describe('DslError', () => {
  it('carries a stable code, a name and the cause', () => {
    const cause = new Error('inner');
    const error = new DslError('ERR_METALOR_EXAMPLE', 'bad value "x": expected y', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DslError');
    expect(error.code).toBe('ERR_METALOR_EXAMPLE');
    expect(error.message).toBe('bad value "x": expected y');
    expect(error.cause).toBe(cause);
    expect(error.line).toBeUndefined();
    expect(error.column).toBeUndefined();
  });

  it('carries a 1-based line and column when known', () => {
    const error = new DslError(DslErrorCodes.execArrayEmpty, 'exec-form arrays must not be empty', { line: 3, column: 7 });
    expect([error.line, error.column]).toEqual([3, 7]);
    expect('cause' in error).toBe(false);
  });

  it('withLocation places a string-relative column into a source line', () => {
    const cause = new Error('inner');
    const error = new DslError(DslErrorCodes.execArrayInvalid, 'invalid exec-form array', { column: 4, cause });
    const placed = error.withLocation(10, 5);
    expect(placed).toBeInstanceOf(DslError);
    expect([placed.code, placed.message, placed.line, placed.column, placed.cause]).toEqual([
      error.code, error.message, 10, 8, cause,
    ]);
    expect(new DslError(DslErrorCodes.emptyCommand, 'm').withLocation(2, 3).column).toBe(3);
    expect(new DslError(DslErrorCodes.emptyCommand, 'm').withLocation(2).column).toBe(1);
  });

  it('uses distinct, ERR_METALOR_DSL_-prefixed codes', () => {
    const codes = Object.values(DslErrorCodes);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^ERR_METALOR_DSL_[A-Z_]+$/);
  });
});
