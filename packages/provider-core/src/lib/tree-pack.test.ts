import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TreePacker } from './tree-pack.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'metalor-pack-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function packed(cwd: string, name: string): Buffer {
  return drain(new TreePacker(cwd, name));
}

/** The rest of a packer's archive. */
function drain(packer: TreePacker): Buffer {
  const parts: Buffer[] = [];
  while (!packer.done) {
    const buffer = Buffer.alloc(4096);
    parts.push(buffer.subarray(0, packer.fill(buffer)));
  }
  return Buffer.concat(parts);
}

describe('TreePacker', () => {
  it('makes an archive GNU tar extracts exactly: long and unicode names, modes, links, FIFOs, empty dirs', async () => {
    const src = path.join(dir, 'src');
    const deep = path.join(src, 'tree', 'p'.repeat(80), 'q'.repeat(80));
    await mkdir(path.join(deep, 'empty'), { recursive: true });
    await writeFile(path.join(deep, 'ünïcødé ✓'), 'deep\n');
    await writeFile(path.join(src, 'tree', 'big.bin'), Buffer.alloc(3 * 1024 * 1024 + 17, 7));
    await writeFile(path.join(src, 'tree', 'setuid'), 'x', { mode: 0o4750 });
    await chmod(path.join(src, 'tree', 'setuid'), 0o4750);
    execFileSync('ln', [path.join(src, 'tree', 'setuid'), path.join(src, 'tree', 'hard')]);
    await symlink(`/${'t'.repeat(140)}`, path.join(src, 'tree', 'long-link'));
    execFileSync('mkfifo', [path.join(src, 'tree', 'fifo')]);
    execFileSync('touch', ['-d', '2001-02-03 04:05:06', path.join(src, 'tree', 'setuid')]);

    const archive = packed(src, 'tree');
    const out = path.join(dir, 'out');
    await mkdir(out);
    execFileSync('tar', ['-xpf', '-', '-C', out], { input: archive });
    const copy = path.join(out, 'tree');
    const copyDeep = path.join(copy, path.relative(path.join(src, 'tree'), deep));
    expect(await readFile(path.join(copyDeep, 'ünïcødé ✓'), 'utf8')).toBe('deep\n');
    expect((await stat(path.join(copyDeep, 'empty'))).isDirectory()).toBe(true);
    // Buffer#equals, not toEqual: a deep compare of 3 MB element by element takes seconds.
    expect((await readFile(path.join(copy, 'big.bin'))).equals(Buffer.alloc(3 * 1024 * 1024 + 17, 7))).toBe(true);
    const setuid = await stat(path.join(copy, 'setuid'));
    expect(setuid.mode & 0o7777).toBe(0o4750);
    expect(setuid.mtime.toISOString()).toBe((await stat(path.join(src, 'tree', 'setuid'))).mtime.toISOString());
    expect((await stat(path.join(copy, 'hard'))).ino).toBe(setuid.ino);
    expect(await readlink(path.join(copy, 'long-link'))).toBe(`/${'t'.repeat(140)}`);
    expect((await stat(path.join(copy, 'fifo'))).isFIFO()).toBe(true);
  });

  it('packs a single file', async () => {
    await writeFile(path.join(dir, 'one'), 'only\n');
    await chmod(path.join(dir, 'one'), 0o644);
    const listing = execFileSync('tar', ['-tvf', '-'], { input: packed(dir, 'one') }).toString();
    expect(listing).toMatch(/^-rw-r--r-- .* 5 .* one\n$/);
  });

  it('never reads through a symlink swapped in for a file after its directory was listed', async () => {
    await mkdir(path.join(dir, 'tree'));
    await writeFile(path.join(dir, 'tree', 'a'), 'harmless');
    await writeFile(path.join(dir, 'secret'), 'TOP-SECRET');
    const packer = new TreePacker(dir, 'tree');
    const first = Buffer.alloc(512);
    expect(packer.fill(first)).toBe(512); // the directory's header: 'tree/a' is now listed as a file
    await rm(path.join(dir, 'tree', 'a'));
    await symlink(path.join(dir, 'secret'), path.join(dir, 'tree', 'a'));
    const rest = drain(packer);
    expect(rest.includes('TOP-SECRET')).toBe(false);
    const listing = execFileSync('tar', ['-tvf', '-'], { input: Buffer.concat([first, rest]) }).toString();
    expect(listing).toMatch(/^l.* tree\/a -> .*secret$/m);
  });

  it('never blocks on a FIFO swapped in for a file after its directory was listed', async () => {
    await mkdir(path.join(dir, 'tree'));
    await writeFile(path.join(dir, 'tree', 'a'), 'harmless');
    const packer = new TreePacker(dir, 'tree');
    const first = Buffer.alloc(512);
    packer.fill(first);
    await rm(path.join(dir, 'tree', 'a'));
    execFileSync('mkfifo', [path.join(dir, 'tree', 'a')]);
    const listing = execFileSync('tar', ['-tvf', '-'], { input: Buffer.concat([first, drain(packer)]) }).toString();
    expect(listing).toMatch(/^p.* tree\/a$/m);
  });

  it('leaves no stale bytes from a reused buffer in any header', async () => {
    await mkdir(path.join(dir, 'tree', 'sub'), { recursive: true });
    for (let i = 0; i < 40; i += 1) await writeFile(path.join(dir, 'tree', 'sub', `f${i}`), Buffer.alloc(700 + i, 0xaa));
    const packer = new TreePacker(dir, 'tree');
    const buffer = Buffer.alloc(8192);
    const parts: Buffer[] = [];
    while (!packer.done) {
      buffer.fill(0xaa); // what the previous batch left behind
      parts.push(Buffer.from(buffer.subarray(0, packer.fill(buffer))));
    }
    const archive = Buffer.concat(parts);
    let headers = 0;
    for (let at = 0; at + 512 <= archive.length; ) {
      const block = archive.subarray(at, at + 512);
      if (block.every((byte) => byte === 0)) break;
      headers += 1;
      // Bytes 500-511 belong to no ustar field: they must be the zeros tar(1) writes.
      expect([...block.subarray(500)]).toEqual(new Array(12).fill(0));
      const size = Number.parseInt(block.subarray(124, 136).toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
      at += 512 + Math.ceil(size / 512) * 512;
    }
    expect(headers).toBe(42);
  });

  it('fails with the file-system error when the path is missing', () => {
    expect(() => packed(dir, 'missing')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
