import { ProviderError, type ProviderErrorCode } from './errors.js';

/**
 * Checks a dot-separated identifier (bundle identifiers, XPC service names, application ids):
 * non-empty components of ASCII letters, digits, `-` and `_`, joined by single dots.
 * @param what How messages name the value, e.g. `bundle identifier`.
 * @throws {ProviderError} with `code`, naming the value and what was expected.
 */
export function validateDottedIdentifier(value: string, what: string, code: ProviderErrorCode): void {
  const fail = (expected: string): never => {
    throw new ProviderError(code, `invalid ${what} ${JSON.stringify(value)}: expected ${expected}`);
  };
  if (typeof value !== 'string' || value === '') fail('a non-empty identifier');
  if (value.split('.').some((part) => part === '')) fail('dot-separated components, none of them empty');
  if (!/^[A-Za-z0-9_.-]+$/.test(value)) fail("only ASCII letters, digits, '-', '_' and '.'");
}
