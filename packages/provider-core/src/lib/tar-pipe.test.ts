import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shellQuote } from './shell-quote.js';
import { pullTarFromShell, pushTarToShell } from './tar-pipe.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'metalor-tar-pipe-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sh = (script: string) => ({ file: 'sh', args: ['-c', script] });

/** 48 files of distinct random bytes (about 5 MB, far more than the push's buffers hold), plus their contents. */
async function randomTree(root: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  await mkdir(path.join(root, 'sub'), { recursive: true });
  for (let i = 0; i < 48; i += 1) {
    const name = path.join(i % 2 ? 'sub' : '.', `f-${i}`);
    const bytes = randomBytes(50_000 + i * 3_001);
    await writeFile(path.join(root, name), bytes);
    files.set(name, bytes);
  }
  return files;
}

async function expectTree(root: string, files: Map<string, Buffer>): Promise<void> {
  for (const [name, bytes] of files) expect((await readFile(path.join(root, name))).equals(bytes), name).toBe(true);
}

describe('pushTarToShell', () => {
  it('delivers every byte when the provider is slow to read (no buffer reused before the provider has it)', async () => {
    const files = await randomTree(path.join(dir, 'host', 'tree'));
    const remote = path.join(dir, 'remote');
    await mkdir(remote);
    await pushTarToShell(path.join(dir, 'host'), 'tree', sh(`sleep 0.3; tar -xf - -C ${shellQuote(remote)}`));
    await expectTree(path.join(remote, 'tree'), files);
  });

  it('takes a provider that exits 0 before reading it all at its word, and reports one that exits 1 as its failure', async () => {
    await randomTree(path.join(dir, 'host', 'tree'));
    const outcome = await pushTarToShell(path.join(dir, 'host'), 'tree', sh('head -c 1024 >/dev/null; echo enough'));
    expect(outcome.stdout).toBe('enough\n');
    await expect(
      pushTarToShell(path.join(dir, 'host'), 'tree', sh('head -c 1024 >/dev/null; echo no space >&2; exit 1')),
    ).rejects.toMatchObject({ code: 'ERR_METALOR_PROVIDER_SHELL_FAILED', exitCode: 1, stderr: 'no space\n' });
  });
});

describe('pullTarFromShell', () => {
  it('extracts through a plain pipe where no socket can be made, as through a socket', async () => {
    const files = await randomTree(path.join(dir, 'remote', 'tree'));
    const longTemp = path.join(dir, 'l'.repeat(60), 'm'.repeat(60));
    await mkdir(longTemp, { recursive: true });
    const previousTmp = process.env.TMPDIR;
    for (const temp of [longTemp, dir]) {
      const out = path.join(dir, `out-${temp.length}`);
      await mkdir(out);
      process.env.TMPDIR = temp;
      try {
        await pullTarFromShell(out, sh(`tar -cf - -C ${shellQuote(path.join(dir, 'remote'))} tree`));
      } finally {
        if (previousTmp === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = previousTmp;
      }
      await expectTree(path.join(out, 'tree'), files);
    }
    expect((await readdir(dir)).filter((name) => name.startsWith('metalor-sock-'))).toEqual([]);
  });
});
