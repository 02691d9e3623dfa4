import { describe, expect, it } from 'vitest';
import { ProviderError } from './index.js';

describe('ProviderError', () => {
  it('carries a stable code, a name and the cause', () => {
    const cause = new Error('inner');
    const error = new ProviderError('ERR_METALOR_EXAMPLE', 'bad value "x": expected y', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ProviderError');
    expect(error.code).toBe('ERR_METALOR_EXAMPLE');
    expect(error.message).toBe('bad value "x": expected y');
    expect(error.cause).toBe(cause);
  });
});
