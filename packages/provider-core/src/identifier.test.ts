import { describe, expect, it } from 'vitest';
import { ProviderError, validateDottedIdentifier } from './index.js';

describe('validateDottedIdentifier', () => {
  it('accepts dotted names of letters, digits, - and _', () => {
    expect(() => validateDottedIdentifier('com.example.my-app_2', 'bundle identifier', 'ERR_METALOR_X')).not.toThrow();
  });

  it.each([
    ['', 'a non-empty identifier'],
    ['.a', 'dot-separated components, none of them empty'],
    ['a.', 'dot-separated components, none of them empty'],
    ['a..b', 'dot-separated components, none of them empty'],
    ['a.b c', "only ASCII letters, digits, '-', '_' and '.'"],
    ['a/b', "only ASCII letters, digits, '-', '_' and '.'"],
  ])('refuses %j with the given code', (value, expected) => {
    try {
      validateDottedIdentifier(value, 'service name', 'ERR_METALOR_SERVICE_NAME_INVALID');
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).code).toBe('ERR_METALOR_SERVICE_NAME_INVALID');
      expect((error as ProviderError).message).toBe(`invalid service name ${JSON.stringify(value)}: expected ${expected}`);
    }
  });
});
