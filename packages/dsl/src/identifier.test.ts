import { describe, expect, it } from 'vitest';
import { validIdentifier } from './index.js';

describe('validIdentifier', () => {
  it.each(['CHANNEL_2', '_', 'a', 'Z9_z', '__init__'])('accepts %j', (value) => {
    expect(validIdentifier(value)).toBe(true);
  });

  it.each(['', '2CHANNEL', 'bad-name', 'a b', 'é', 'NAME\n', 'A.B', '$A', '\u017f', '\u212a'])('rejects %j', (value) => {
    expect(validIdentifier(value)).toBe(false);
  });

  it('returns false for non-strings instead of throwing', () => {
    expect(validIdentifier(undefined as unknown as string)).toBe(false);
    expect(validIdentifier(42 as unknown as string)).toBe(false);
  });
});
