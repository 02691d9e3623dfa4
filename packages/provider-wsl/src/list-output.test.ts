import { describe, expect, it } from 'vitest';
import { ProviderError, parseWslListOutput } from './index.js';

const utf16 = (text: string, bom = true) => new Uint8Array([...(bom ? [0xff, 0xfe] : []), ...Buffer.from(text, 'utf16le')]);

describe('parseWslListOutput', () => {
  it('reads UTF-16LE with a BOM and CRLF line ends, as wsl.exe writes it', () => {
    expect(parseWslListOutput(utf16('Ubuntu-24.04\r\nDebian\r\n'))).toEqual(['Ubuntu-24.04', 'Debian']);
  });

  it('reads UTF-16LE without a BOM', () => {
    expect(parseWslListOutput(utf16('Ubuntu\r\nkali-linux\r\n', false))).toEqual(['Ubuntu', 'kali-linux']);
  });

  it('reads UTF-8, with or without a BOM, LF or CRLF', () => {
    expect(parseWslListOutput(Buffer.from('Debian\nAlpine\n'))).toEqual(['Debian', 'Alpine']);
    expect(parseWslListOutput(Buffer.from('\uFEFFDebian\r\nAlpine'))).toEqual(['Debian', 'Alpine']);
  });

  it('trims names and drops blank lines and stray BOMs', () => {
    expect(parseWslListOutput(utf16('\r\n  Ubuntu  \r\n\r\n\uFEFFDebian\r\n   \r\n'))).toEqual(['Ubuntu', 'Debian']);
  });

  it('returns nothing for empty output', () => {
    expect(parseWslListOutput(new Uint8Array())).toEqual([]);
  });

  it('refuses bytes that are not text', () => {
    expect(() => parseWslListOutput(new Uint8Array([0x55, 0xff, 0x55]))).toThrow(ProviderError);
    expect(() => parseWslListOutput(new Uint8Array([0x55, 0xff, 0x55]))).toThrow(/not valid UTF-8/);
  });
});
