import { describe, expect, it } from 'vitest';
import { DslError } from './index.js';

describe('DslError', () => {
  it('carries a stable code, a name and the cause', () => {
    const cause = new Error('inner');
    const error = new DslError('ERR_METALOR_EXAMPLE', 'bad value "x": expected y', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DslError');
    expect(error.code).toBe('ERR_METALOR_EXAMPLE');
    expect(error.message).toBe('bad value "x": expected y');
    expect(error.cause).toBe(cause);
  });
});
