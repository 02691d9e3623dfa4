import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asidePath, recoverInterruptedReplace, replaceAtomically } from './atomic-replace.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cell-spec-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('recoverInterruptedReplace', () => {
  it('puts the old directory back when a swap died between its two renames', async () => {
    const destination = path.join(dir, 'dest');
    await mkdir(destination);
    await writeFile(path.join(destination, 'old.txt'), 'old');
    await rename(destination, asidePath(destination));
    await mkdir(path.join(dir, '.dest.metalor-tmp-abc'));
    await recoverInterruptedReplace(destination);
    expect(await readFile(path.join(destination, 'old.txt'), 'utf8')).toBe('old');
    expect((await readdir(dir)).sort()).toEqual(['dest']);
  });

  it('drops a leftover aside copy once the new content is in place', async () => {
    const destination = path.join(dir, 'dest');
    await mkdir(destination);
    await mkdir(asidePath(destination));
    await recoverInterruptedReplace(destination);
    expect(await readdir(dir)).toEqual(['dest']);
  });
});

describe('replaceAtomically', () => {
  it('leaves the destination untouched and no temporary copy when the copy fails', async () => {
    const destination = path.join(dir, 'dest.txt');
    await writeFile(destination, 'old');
    await expect(replaceAtomically(path.join(dir, 'missing'), destination)).rejects.toMatchObject({ code: 'ERR_METALOR_COPY_FAILED' });
    expect(await readFile(destination, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['dest.txt']);
  });

  it('creates missing parent directories', async () => {
    const source = path.join(dir, 'src.txt');
    await writeFile(source, 'new');
    await replaceAtomically(source, path.join(dir, 'a', 'b', 'dest.txt'));
    expect(await readFile(path.join(dir, 'a', 'b', 'dest.txt'), 'utf8')).toBe('new');
  });
});
