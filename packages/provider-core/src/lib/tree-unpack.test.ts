import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Header, Pax, type HeaderData } from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../errors.js';
import { TreeUnpacker } from './tree-unpack.js';

let dir: string;
let out: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'metalor-unpack-'));
  out = path.join(dir, 'out');
  await mkdir(out);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A tar stream assembled entry by entry with node-tar's header encoder, for archives tar(1) would not make. */
function archive(entries: { header: HeaderData; body?: string }[], terminate = true): Buffer {
  const parts: Buffer[] = [];
  for (const { header, body = '' } of entries) {
    const data = Buffer.from(body);
    const encoded = new Header({ mode: 0o644, uid: 0, gid: 0, mtime: new Date(0), ...header, size: data.length });
    if (encoded.encode()) parts.push(new Pax({ ...header, size: data.length }).encode());
    parts.push(encoded.block as Buffer, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  if (terminate) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** Feeds an archive in small, unaligned chunks, as a pipe would. */
function unpack(bytes: Buffer, chunk = 777): void {
  const unpacker = new TreeUnpacker(out);
  for (let offset = 0; offset < bytes.length; offset += chunk) unpacker.write(bytes.subarray(offset, offset + chunk));
  unpacker.end();
}

function refusal(run: () => void): ProviderError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected the archive to be refused');
}

describe('TreeUnpacker', () => {
  it('extracts what GNU tar made: long GNU names, unicode, hard links, symlinks, modes, mtimes and empty dirs', async () => {
    const src = path.join(dir, 'src', 'tree');
    const deep = path.join(src, 'a'.repeat(60), 'b'.repeat(60), 'c'.repeat(60));
    await mkdir(path.join(deep, 'empty'), { recursive: true });
    await writeFile(path.join(deep, 'ünïcødé ✓.txt'), 'deep\n');
    await writeFile(path.join(src, 'tool'), '#!/bin/sh\n', { mode: 0o4755 });
    await chmod(path.join(src, 'tool'), 0o4755);
    execFileSync('ln', [path.join(src, 'tool'), path.join(src, 'tool-hardlink')]);
    await symlink(`../${'x'.repeat(150)}`, path.join(src, 'long-link'));
    await chmod(path.join(deep, 'empty'), 0o555);
    execFileSync('touch', ['-d', '2001-02-03 04:05:06', path.join(src, 'tool')]);
    const bytes = execFileSync('tar', ['--format=gnu', '-cf', '-', '-C', path.dirname(src), 'tree'], { maxBuffer: 1 << 26 });
    unpack(bytes);
    const copy = path.join(out, 'tree');
    const copyDeep = path.join(copy, path.relative(src, deep));
    expect(await readFile(path.join(copyDeep, 'ünïcødé ✓.txt'), 'utf8')).toBe('deep\n');
    expect((await stat(path.join(copyDeep, 'empty'))).mode & 0o7777).toBe(0o555);
    expect(await readdir(path.join(copyDeep, 'empty'))).toEqual([]);
    expect((await stat(path.join(copy, 'tool'))).mode & 0o7777).toBe(0o4755);
    expect((await stat(path.join(copy, 'tool'))).mtime.toISOString()).toBe((await stat(path.join(src, 'tool'))).mtime.toISOString());
    expect((await stat(path.join(copy, 'tool'))).ino).toBe((await stat(path.join(copy, 'tool-hardlink'))).ino);
    expect(await readlink(path.join(copy, 'long-link'))).toBe(`../${'x'.repeat(150)}`);
  });

  it('restores exact file modes under a restrictive umask, and with the usual one', () => {
    const entries = [
      { header: { path: 'shared.txt', mode: 0o644 }, body: 'a' },
      { header: { path: 'open.sh', mode: 0o777 }, body: 'b' },
      { header: { path: 'private', mode: 0o600 }, body: 'c' },
      { header: { path: 'setgid', mode: 0o2755 }, body: 'd' },
      { header: { path: 'locked', mode: 0o000 }, body: 'e' },
    ];
    const expected = { 'shared.txt': 0o644, 'open.sh': 0o777, private: 0o600, setgid: 0o2755, locked: 0o000 };
    for (const mask of [0o077, 0o022, 0o000]) {
      const previous = process.umask(mask);
      try {
        rmSync(out, { recursive: true, force: true });
        mkdirSync(out);
        unpack(archive(entries));
      } finally {
        process.umask(previous);
      }
      for (const [name, mode] of Object.entries(expected)) {
        expect({ name, mask, mode: statSync(path.join(out, name)).mode & 0o7777 }).toEqual({ name, mask, mode });
      }
      expect(readFileSync(path.join(out, 'locked'), 'utf8')).toBe('e');
    }
  });

  it('reads pax headers for long and non-ASCII names', async () => {
    const long = `${'d'.repeat(120)}/ñame ${'e'.repeat(120)}`;
    unpack(archive([{ header: { path: long, type: 'File' }, body: 'pax\n' }]));
    expect(await readFile(path.join(out, long), 'utf8')).toBe('pax\n');
  });

  it('replaces files and symlinks that are in the way', async () => {
    await writeFile(path.join(out, 'file'), 'old');
    await symlink('/etc/passwd', path.join(out, 'link-or-file'));
    unpack(
      archive([
        { header: { path: 'file', type: 'File' }, body: 'new' },
        { header: { path: 'link-or-file', type: 'File' }, body: 'plain' },
      ]),
    );
    expect(await readFile(path.join(out, 'file'), 'utf8')).toBe('new');
    expect((await lstat(path.join(out, 'link-or-file'))).isFile()).toBe(true);
    expect(await readFile(path.join(out, 'link-or-file'), 'utf8')).toBe('plain');
  });

  it('never removes a non-empty directory to put a file in its place', async () => {
    await mkdir(path.join(out, 'keep'));
    await writeFile(path.join(out, 'keep', 'precious'), 'x');
    const error = refusal(() => unpack(archive([{ header: { path: 'keep', type: 'File' }, body: 'y' }])));
    expect(error.code).toBe('ERR_METALOR_PROVIDER_HOST_TAR_FAILED');
    expect(await readFile(path.join(out, 'keep', 'precious'), 'utf8')).toBe('x');
  });

  it('stops an absolute entry path from writing outside the destination', async () => {
    const victim = path.join(dir, 'victim');
    const error = refusal(() => unpack(archive([{ header: { path: victim, type: 'File' }, body: 'pwned' }])));
    expect(error.code).toBe('ERR_METALOR_PROVIDER_UNSAFE_ARCHIVE');
    await expect(lstat(victim)).rejects.toThrow();
  });

  it('stops a dot-dot entry path from climbing out of the destination', async () => {
    const error = refusal(() => unpack(archive([{ header: { path: '../escaped', type: 'File' }, body: 'pwned' }])));
    expect(error.code).toBe('ERR_METALOR_PROVIDER_UNSAFE_ARCHIVE');
    await expect(lstat(path.join(dir, 'escaped'))).rejects.toThrow();
  });

  it('stops writing through a symlink planted earlier in the same archive', async () => {
    const outside = path.join(dir, 'outside');
    await mkdir(outside);
    const error = refusal(() =>
      unpack(
        archive([
          { header: { path: 'tree/escape', type: 'SymbolicLink', linkpath: outside } },
          { header: { path: 'tree/escape/pwned', type: 'File' }, body: 'pwned' },
        ]),
      ),
    );
    expect(error.code).toBe('ERR_METALOR_PROVIDER_UNSAFE_ARCHIVE');
    expect(await readdir(outside)).toEqual([]);
  });

  it('stops a hard link from reaching a file outside through a planted symlink', async () => {
    const outside = path.join(dir, 'outside');
    await mkdir(outside);
    await writeFile(path.join(outside, 'secret'), 'secret');
    const error = refusal(() =>
      unpack(
        archive([
          { header: { path: 'tree/escape', type: 'SymbolicLink', linkpath: outside } },
          { header: { path: 'tree/stolen', type: 'Link', linkpath: 'tree/escape/secret' } },
        ]),
      ),
    );
    expect(error.code).toBe('ERR_METALOR_PROVIDER_UNSAFE_ARCHIVE');
    await expect(lstat(path.join(out, 'tree', 'stolen'))).rejects.toThrow();
  });

  it('refuses device nodes and FIFOs', () => {
    for (const type of ['CharacterDevice', 'BlockDevice', 'FIFO'] as const) {
      const error = refusal(() => unpack(archive([{ header: { path: `node-${type}`, type } }])));
      expect(error.code).toBe('ERR_METALOR_PROVIDER_BAD_ARCHIVE');
      expect(error.message).toContain(type);
    }
  });

  it('refuses a header with a bad checksum', () => {
    const bytes = archive([{ header: { path: 'file', type: 'File' }, body: 'x' }]);
    bytes[0] = 'X'.charCodeAt(0);
    expect(refusal(() => unpack(bytes)).message).toContain('bad checksum');
  });

  it('refuses an archive cut short', () => {
    const bytes = archive([{ header: { path: 'file', type: 'File' }, body: 'x'.repeat(2000) }], false);
    expect(refusal(() => unpack(bytes.subarray(0, 1200))).message).toContain('ended early');
  });
});
