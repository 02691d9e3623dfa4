import { describe, expect, it } from 'vitest';
import { ProviderError, parseProviderKind, parseProviderSelection } from './index.js';

describe('parseProviderSelection', () => {
  it('accepts auto, wsl2 and mac-local, with empty text meaning auto', () => {
    expect(parseProviderSelection('auto')).toBe('auto');
    expect(parseProviderSelection(' wsl2 ')).toBe('wsl2');
    expect(parseProviderSelection('mac-local')).toBe('mac-local');
    expect(parseProviderSelection('')).toBe('auto');
    expect(parseProviderSelection('  ')).toBe('auto');
  });

  it('refuses anything else, naming the value and the choices', () => {
    expect(() => parseProviderSelection('bogus')).toThrow(ProviderError);
    expect(() => parseProviderSelection('bogus')).toThrow(
      'unsupported local Linux provider selection "bogus"; expected one of: auto, wsl2, mac-local',
    );
    try {
      parseProviderSelection('WSL2');
    } catch (error) {
      expect((error as ProviderError).code).toBe('ERR_METALOR_PROVIDER_SELECTION_INVALID');
    }
  });
});

describe('parseProviderKind', () => {
  it('accepts the two kinds', () => {
    expect(parseProviderKind('wsl2')).toBe('wsl2');
    expect(parseProviderKind('mac-local\n')).toBe('mac-local');
  });

  it('refuses auto and the empty string: a kind is concrete', () => {
    for (const text of ['auto', '', 'linux']) {
      expect(() => parseProviderKind(text)).toThrow(/expected one of: wsl2, mac-local/);
      try {
        parseProviderKind(text);
      } catch (error) {
        expect((error as ProviderError).code).toBe('ERR_METALOR_PROVIDER_KIND_INVALID');
      }
    }
  });
});
