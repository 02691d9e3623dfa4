import { describe, expect, it } from 'vitest';
import { contentStart, isTrimmable, skipTrimmable, trimEndIndex } from './whitespace.js';

describe('isTrimmable', () => {
  it('agrees with String.prototype.trim on every UTF-16 code unit', () => {
    const disagreements: number[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (isTrimmable(code) !== (String.fromCharCode(code).trim() === '')) disagreements.push(code);
    }
    expect(disagreements).toEqual([]);
  });

  it('is false past the end of a string (NaN)', () => {
    expect(isTrimmable(''.charCodeAt(0))).toBe(false);
  });
});

describe('index trimming', () => {
  it('finds the same bounds as trim()', () => {
    const text = ' \t a b \u00a0\r';
    const start = skipTrimmable(text, 0, text.length);
    const end = trimEndIndex(text, start, text.length);
    expect(text.slice(start, end)).toBe(text.trim());
    expect(skipTrimmable('   ', 0, 3)).toBe(3);
    expect(trimEndIndex('   ', 0, 3)).toBe(0);
  });

  it('skips only a leading byte-order mark', () => {
    expect(contentStart('\uFEFFx')).toBe(1);
    expect(contentStart('x\uFEFF')).toBe(0);
    expect(contentStart('')).toBe(0);
  });
});
