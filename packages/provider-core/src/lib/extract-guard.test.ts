import { mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entryKey, ExtractGuard } from './extract-guard.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'metalor-guard-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file = { type: 'File' };
const link = (linkpath: string) => ({ type: 'SymbolicLink', linkpath });

describe('ExtractGuard', () => {
  it('lets ordinary entries and absolute symlink targets through', () => {
    const guard = new ExtractGuard(dir);
    expect(guard.filter('tree/', { type: 'Directory' })).toBe(true);
    expect(guard.filter('tree/a file', file)).toBe(true);
    expect(guard.filter('tree/lib', link('/usr/lib'))).toBe(true);
    expect(guard.violation).toBeUndefined();
  });

  it('stops an absolute entry path from writing outside the destination', () => {
    const guard = new ExtractGuard(dir);
    expect(guard.filter('/etc/passwd', file)).toBe(false);
    expect(guard.violation?.code).toBe('ERR_METALOR_PROVIDER_UNSAFE_ARCHIVE');
    expect(guard.violation?.message).toContain('"/etc/passwd"');
  });

  it('stops a dot-dot entry path from climbing out of the destination', () => {
    const guard = new ExtractGuard(dir);
    expect(guard.filter('tree/../../escape', file)).toBe(false);
  });

  it('stops a hard link that points outside the archive', () => {
    const guard = new ExtractGuard(dir);
    expect(guard.filter('tree/shadow', { type: 'Link', linkpath: '/etc/shadow' })).toBe(false);
    expect(new ExtractGuard(dir).filter('tree/up', { type: 'Link', linkpath: '../x' })).toBe(false);
    expect(new ExtractGuard(dir).filter('tree/ok', { type: 'Link', linkpath: 'tree/a file' })).toBe(true);
  });

  it('stops writing through a symlink the archive itself planted', () => {
    const guard = new ExtractGuard(dir);
    expect(guard.filter('tree/etc', link('/etc'))).toBe(true);
    expect(guard.filter('tree/etc/passwd', file)).toBe(false);
    expect(guard.violation?.message).toContain('"tree/etc" is one');
  });

  it('stops writing through a symlink planted after the same parent was already checked', () => {
    const guard = new ExtractGuard(dir);
    expect(guard.filter('tree/x/one', file)).toBe(true);
    expect(guard.filter('tree/x', link('/etc'))).toBe(true);
    expect(guard.filter('tree/x/two', file)).toBe(false);
  });

  it('stops writing through a symlink that already sits in the destination', async () => {
    await mkdir(path.join(dir, 'outside'));
    await symlink(path.join(dir, 'outside'), path.join(dir, 'tree'));
    const guard = new ExtractGuard(dir);
    expect(guard.filter('tree/file', file)).toBe(false);
    expect(await readdir(path.join(dir, 'outside'))).toEqual([]);
  });

  it('allows a path again once the archive replaced its symlink with a directory', () => {
    const guard = new ExtractGuard(dir);
    expect(guard.filter('tree/x', link('y'))).toBe(true);
    expect(guard.filter('tree/x/', { type: 'Directory' })).toBe(true);
    expect(guard.filter('tree/x/file', file)).toBe(true);
  });

  it('normalizes entry paths the same way on its fast path and its slow one', () => {
    const cases: [string, string | undefined][] = [
      ['a/b', 'a/b'],
      ['a/b/', 'a/b'],
      ['a//b', 'a/b'],
      ['./a', 'a'],
      ['a/./b/.', 'a/b'],
      ['.a/..b/...', '.a/..b/...'],
      ['a\\b', 'a/b'],
      ['a/..', undefined],
      ['..', undefined],
      ['a/../b', undefined],
      ['/a', undefined],
      ['C:/a', undefined],
      ['c:a', undefined],
      ['.', undefined],
      ['', undefined],
      ['a:b/c', undefined],
      ['ab:c/d', 'ab:c/d'],
    ];
    for (const [input, expected] of cases) expect({ input, key: entryKey(input) }).toEqual({ input, key: expected });
  });
});
