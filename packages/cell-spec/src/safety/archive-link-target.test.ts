import { describe, expect, it } from 'vitest';
import { checkHardlinkTarget, checkSymlinkTarget } from './archive-link-target.js';

const ok = (entry: string, target: string) => () => checkSymlinkTarget('a.tar', entry, entry.split('/'), target);

describe('checkSymlinkTarget', () => {
  it.each([
    ['a/b/link', '../../top'],
    ['a/b/link', '../sibling/x'],
    ['link', 'sub/./file'],
    ['a/link', '..'],
    ['link', 'missing/target'],
  ])('accepts %s -> %s', (entry, target) => {
    expect(ok(entry, target)).not.toThrow();
  });

  it.each([
    ['link', '..'],
    ['a/b/link', '../../..'],
    ['link', '/etc'],
    ['link', 'C:/Windows'],
    ['link', 'x/../y'],
    ['a/link', '../x/../../y'],
  ])('refuses %s -> %s', (entry, target) => {
    expect(ok(entry, target)).toThrow(expect.objectContaining({ code: 'ERR_METALOR_ARCHIVE_LINK_ESCAPE' }));
  });
});

describe('checkHardlinkTarget', () => {
  it('returns the components of an inside target and refuses the rest', () => {
    expect(checkHardlinkTarget('a.tar', 'h', './src//a.txt')).toEqual(['src', 'a.txt']);
    for (const target of ['/etc/passwd', '../x', 'a/../../x', '', '.']) {
      expect(() => checkHardlinkTarget('a.tar', 'h', target)).toThrow(expect.objectContaining({ code: 'ERR_METALOR_ARCHIVE_LINK_ESCAPE' }));
    }
  });
});
