import { describe, expect, it } from 'vitest';
import { ProviderError as CoreProviderError } from '@metalor/provider-core';
import { ProviderError } from './index.js';

describe('ProviderError', () => {
  it('is the one provider error class shared with provider-core', () => {
    expect(ProviderError).toBe(CoreProviderError);
    const error = new ProviderError('ERR_METALOR_EXAMPLE', 'bad value "x": expected y');
    expect(error.code).toBe('ERR_METALOR_EXAMPLE');
  });
});
