import { chmod, lstat, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertAbsoluteHostPath,
  assertNoSymlinkComponents,
  assertPathUnderPrefix,
  canonicalizeRuntimeRootPrefix,
  ensureDirectoryUnder,
  removeTree,
  resetDirectoryUnder,
} from './index.js';

let scratch: string;
let prefix: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'metalor-paths-'));
  await mkdir(path.join(scratch, 'real-prefix'));
  await symlink(path.join(scratch, 'real-prefix'), path.join(scratch, 'linked-prefix'));
  prefix = await canonicalizeRuntimeRootPrefix(path.join(scratch, 'real-prefix'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('canonicalizeRuntimeRootPrefix', () => {
  it('resolves a symlinked prefix to its real directory', async () => {
    expect(await canonicalizeRuntimeRootPrefix(path.join(scratch, 'linked-prefix'))).toBe(prefix);
  });
  it('refuses a relative, missing, file or root prefix', async () => {
    await expect(canonicalizeRuntimeRootPrefix('rel/dir')).rejects.toMatchObject({ code: 'ERR_METALOR_PATH_NOT_ABSOLUTE' });
    await expect(canonicalizeRuntimeRootPrefix(path.join(scratch, 'missing'))).rejects.toMatchObject({ code: 'ERR_METALOR_PREFIX_INVALID' });
    await writeFile(path.join(scratch, 'file'), 'x');
    await expect(canonicalizeRuntimeRootPrefix(path.join(scratch, 'file'))).rejects.toMatchObject({ code: 'ERR_METALOR_PREFIX_INVALID' });
    await expect(canonicalizeRuntimeRootPrefix('/')).rejects.toMatchObject({ code: 'ERR_METALOR_PREFIX_INVALID' });
  });
});

describe('assertPathUnderPrefix', () => {
  it('accepts a child and normalises it', () => {
    expect(assertPathUnderPrefix(`${prefix}/a//b/./c/`, prefix)).toBe(`${prefix}/a/b/c`);
  });
  it('refuses dot-dot escapes even when they would normalise inside', () => {
    expect(() => assertPathUnderPrefix(`${prefix}/a/../b`, prefix)).toThrow(expect.objectContaining({ code: 'ERR_METALOR_PATH_PARENT_SEGMENT' }));
    expect(() => assertPathUnderPrefix(`${prefix}/../etc`, prefix)).toThrow(/"\.\."/);
  });
  it('refuses the prefix itself, a sibling with a shared name start, and outside paths', () => {
    for (const bad of [prefix, `${prefix}-other/x`, '/etc/passwd']) {
      expect(() => assertPathUnderPrefix(bad, prefix, 'package root')).toThrow(expect.objectContaining({ code: 'ERR_METALOR_PATH_OUTSIDE_PREFIX' }));
    }
  });
  it('refuses relative paths and non-strings without a TypeError', () => {
    expect(() => assertAbsoluteHostPath('x/y')).toThrow(expect.objectContaining({ code: 'ERR_METALOR_PATH_NOT_ABSOLUTE' }));
    expect(() => assertAbsoluteHostPath(undefined as unknown as string)).toThrow(expect.objectContaining({ code: 'ERR_METALOR_PATH_NOT_ABSOLUTE' }));
  });
});

describe('ensureDirectoryUnder', () => {
  it('creates nested directories component by component', async () => {
    const target = path.join(prefix, 'one', 'two', 'three');
    await ensureDirectoryUnder(prefix, target);
    expect((await lstat(target)).isDirectory()).toBe(true);
    await ensureDirectoryUnder(prefix, target);
  });
  it('stops a symlinked component from redirecting mkdir outside the prefix', async () => {
    const outside = path.join(scratch, 'outside');
    await mkdir(outside);
    await symlink(outside, path.join(prefix, 'escape'));
    await expect(ensureDirectoryUnder(prefix, path.join(prefix, 'escape', 'made'))).rejects.toThrow(
      expect.objectContaining({ code: 'ERR_METALOR_SYMLINK_COMPONENT', message: expect.stringContaining(path.join(prefix, 'escape')) }),
    );
    expect(await readdir(outside)).toEqual([]);
  });
  it('refuses a file where a directory is needed', async () => {
    await writeFile(path.join(prefix, 'plain-file'), 'x');
    await expect(ensureDirectoryUnder(prefix, path.join(prefix, 'plain-file', 'x'))).rejects.toMatchObject({ code: 'ERR_METALOR_NOT_A_DIRECTORY' });
  });
  it('survives concurrent creators of the same tree', async () => {
    const target = path.join(prefix, 'race', 'a', 'b', 'c');
    await Promise.all(Array.from({ length: 8 }, () => ensureDirectoryUnder(prefix, target)));
    expect((await lstat(target)).isDirectory()).toBe(true);
  });
});

describe('resetDirectoryUnder', () => {
  it('empties an existing directory', async () => {
    const target = path.join(prefix, 'reset', 'dir');
    await ensureDirectoryUnder(prefix, target);
    await writeFile(path.join(target, 'old'), 'x');
    await resetDirectoryUnder(prefix, target);
    expect(await readdir(target)).toEqual([]);
  });
  it('replaces a symlink at the target without touching what it pointed to', async () => {
    const outside = path.join(scratch, 'victim');
    await mkdir(outside);
    await writeFile(path.join(outside, 'keep'), 'x');
    await symlink(outside, path.join(prefix, 'reset-link'));
    await resetDirectoryUnder(prefix, path.join(prefix, 'reset-link'));
    expect(await readdir(outside)).toEqual(['keep']);
    expect((await lstat(path.join(prefix, 'reset-link'))).isDirectory()).toBe(true);
  });
});

describe('assertNoSymlinkComponents', () => {
  it('accepts real paths, including not-yet-existing tails', async () => {
    await assertNoSymlinkComponents(path.join(prefix, 'one', 'two', 'missing', 'x'), prefix);
  });
  it('names the symlinked component', async () => {
    await expect(assertNoSymlinkComponents(path.join(prefix, 'escape', 'x'), prefix)).rejects.toThrow(path.join(prefix, 'escape'));
  });
  it('walks from / by default and sees a symlinked prefix spelling', async () => {
    await expect(assertNoSymlinkComponents(path.join(scratch, 'linked-prefix', 'x'))).rejects.toMatchObject({ code: 'ERR_METALOR_SYMLINK_COMPONENT' });
  });
});

describe('removeTree', () => {
  it('removes a tree holding a mode-000 directory (as overlayfs leaves work/work) without following symlinks', async () => {
    const outside = path.join(scratch, 'remove-outside');
    await mkdir(outside);
    await writeFile(path.join(outside, 'keep'), 'x');
    const tree = path.join(prefix, 'remove-me');
    await mkdir(path.join(tree, 'work', 'work'), { recursive: true });
    await writeFile(path.join(tree, 'work', 'work', 'f'), 'x');
    await symlink(outside, path.join(tree, 'link'));
    await chmod(path.join(tree, 'work', 'work'), 0o000);
    await removeTree(tree);
    await expect(lstat(tree)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(outside)).toEqual(['keep']);
    await removeTree(tree);
  });
});
