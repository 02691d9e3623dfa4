import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildOverlayMountOptions, parseRootfsView, readRootfsView, resolveRootfsViewPath } from '../index.js';

const view = { lowerdir: '/c/rootfs', upperdir: '/p/upper', workdir: '/p/work' };
const scratch = mkdtempSync(path.join(os.tmpdir(), 'metalor-view-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('view descriptor', () => {
  it('parses the three lines', () => {
    expect(parseRootfsView('lowerdir=/c/rootfs\nupperdir=/p/upper\nworkdir=/p/work\n')).toEqual(view);
  });
  it.each([
    ['missing final newline', 'lowerdir=/a\nupperdir=/b\nworkdir=/c'],
    ['wrong order', 'upperdir=/b\nlowerdir=/a\nworkdir=/c\n'],
    ['extra line', 'lowerdir=/a\nupperdir=/b\nworkdir=/c\nx=y\n'],
    ['relative path', 'lowerdir=a\nupperdir=/b\nworkdir=/c\n'],
    ['option injection', 'lowerdir=/a,upperdir=/evil\nupperdir=/b\nworkdir=/c\n'],
    ['dot-dot', 'lowerdir=/a/../etc\nupperdir=/b\nworkdir=/c\n'],
  ])('refuses %s', (_name, text) => {
    expect(() => parseRootfsView(text)).toThrow(expect.objectContaining({ code: 'ERR_METALOR_VIEW_INVALID' }));
  });
  it('reads null for a plain root and refuses a descriptor naming a symlink', async () => {
    const plain = path.join(scratch, 'plain');
    mkdirSync(plain);
    expect(await readRootfsView(plain)).toBeNull();
    const root = path.join(scratch, 'root');
    for (const dir of ['root', 'lower', 'upper']) mkdirSync(path.join(scratch, dir), { recursive: true });
    symlinkSync(path.join(scratch, 'upper'), path.join(scratch, 'work'));
    writeFileSync(path.join(root, '.metalor-view'), `lowerdir=${scratch}/lower\nupperdir=${scratch}/upper\nworkdir=${scratch}/work\n`);
    await expect(readRootfsView(root)).rejects.toMatchObject({ code: 'ERR_METALOR_VIEW_INVALID' });
  });
});

describe('buildOverlayMountOptions', () => {
  it('builds the privileged and rootless option strings', () => {
    expect(buildOverlayMountOptions(view)).toBe('lowerdir=/c/rootfs,upperdir=/p/upper,workdir=/p/work');
    expect(buildOverlayMountOptions(view, 'rootlessUser')).toBe('lowerdir=/c/rootfs,upperdir=/p/upper,workdir=/p/work,userxattr');
  });
  it('refuses paths that would inject options', () => {
    expect(() => buildOverlayMountOptions({ ...view, upperdir: '/p/u,lowerdir=/' })).toThrow(expect.objectContaining({ code: 'ERR_METALOR_VIEW_PATH_UNSUPPORTED' }));
  });
});

describe('resolveRootfsViewPath', () => {
  it('never follows an intermediate symlink in the upper layer', async () => {
    const base = path.join(scratch, 'resolve');
    for (const dir of ['lower/etc', 'upper', 'work', 'elsewhere']) mkdirSync(path.join(base, dir), { recursive: true });
    writeFileSync(path.join(base, 'elsewhere/secret'), 'x');
    symlinkSync(path.join(base, 'elsewhere'), path.join(base, 'upper/etc'));
    const v = { lowerdir: path.join(base, 'lower'), upperdir: path.join(base, 'upper'), workdir: path.join(base, 'work') };
    await expect(resolveRootfsViewPath(v, '/etc/secret')).rejects.toMatchObject({ code: 'ERR_METALOR_SYMLINK_COMPONENT' });
    expect(await resolveRootfsViewPath(v, '/etc')).toBe(path.join(base, 'upper/etc'));
    await expect(resolveRootfsViewPath(v, 'etc')).rejects.toMatchObject({ code: 'ERR_METALOR_PATH_NOT_ABSOLUTE' });
    expect(await resolveRootfsViewPath(v, '/missing/file')).toBeNull();
  });
});
