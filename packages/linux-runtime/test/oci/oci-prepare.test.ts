import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LinuxRuntimeError, prepareOciRootfs, readRootfsView, resolveRootfsViewPath, type OciProgressEvent } from '../../src/index.js';
import { ELF_MACHINE, elfMachine, ensureTestImages, makeScratch, makeSkopeoCounter, removeScratch, type TestImages } from './images.js';

let images: TestImages;
let scratch: string;
let prefix: string;
let cacheRoot: string;
let counter: ReturnType<typeof makeSkopeoCounter>;
const originalPath = process.env.PATH;

beforeAll(() => {
  images = ensureTestImages();
  scratch = makeScratch('oci-prepare');
  prefix = path.join(scratch, 'prefix');
  cacheRoot = path.join(scratch, 'cache');
  mkdirSync(prefix);
  counter = makeSkopeoCounter(scratch);
  process.env.PATH = `${counter.binDir}:${originalPath}`;
});
afterEach(() => {
  process.env.PATH = `${counter.binDir}:${originalPath}`;
});
afterAll(() => {
  process.env.PATH = originalPath;
  removeScratch(scratch);
});

/** The host file behind a cell path of a prepared root (view or plain). */
async function hostFile(rootfs: string, cellPath: string): Promise<string> {
  const view = await readRootfsView(rootfs);
  if (view === null) return path.join(rootfs, cellPath);
  const resolved = await resolveRootfsViewPath(view, cellPath);
  if (resolved === null) throw new Error(`${cellPath} missing in view of ${rootfs}`);
  return resolved;
}

function entriesOf(dir: string): string[] {
  return readdirSync(dir).filter((name) => !name.startsWith('.'));
}

describe('prepareOciRootfs with a cache', () => {
  it('prepares an oci: layout as a copy-on-write view of the cached rootfs', async () => {
    const pkg = path.join(prefix, 'layout');
    const rootfs = await prepareOciRootfs(images.amd64, prefix, pkg, { cacheRoot });
    expect(rootfs).toBe(path.join(pkg, 'oci', 'bundle', 'rootfs'));
    const view = await readRootfsView(rootfs);
    expect(view).not.toBeNull();
    const text = readFileSync(path.join(rootfs, '.metalor-view'), 'utf8');
    expect(text).toBe(`lowerdir=${view!.lowerdir}\nupperdir=${path.join(pkg, 'oci/bundle/upper')}\nworkdir=${path.join(pkg, 'oci/bundle/work')}\n`);
    expect(view!.lowerdir.startsWith(`${cacheRoot}/`)).toBe(true);
    expect(readdirSync(rootfs)).toEqual(['.metalor-view']);
    expect(await elfMachine(await hostFile(rootfs, '/bin/busybox'))).toBe(ELF_MACHINE.amd64);
    expect((await lstat(await hostFile(rootfs, '/bin/sh'))).isSymbolicLink()).toBe(true);
    expect(readFileSync(await hostFile(rootfs, '/etc/passwd'), 'utf8')).toMatch(/^root:x:0:0:/);
  });

  it.each([
    ['arm64', ELF_MACHINE.arm64],
    ['amd64', ELF_MACHINE.amd64],
    ['aarch64', ELF_MACHINE.arm64],
  ] as const)('selects %s from the multi-arch index', async (arch, machine) => {
    const rootfs = await prepareOciRootfs(images.multi, prefix, path.join(prefix, `multi-${arch}`), { cacheRoot, arch });
    expect(await elfMachine(await hostFile(rootfs, '/bin/busybox'))).toBe(machine);
  });

  it('keeps one cache entry per arch, and aliases of one arch share it', async () => {
    const lower = async (arch: string) => (await readRootfsView(path.join(prefix, `multi-${arch}`, 'oci/bundle/rootfs')))!.lowerdir;
    const [arm, amd, aarch] = [await lower('arm64'), await lower('amd64'), await lower('aarch64')];
    expect(arm).not.toBe(amd);
    expect(aarch).toBe(arm);
    const identity = readFileSync(path.join(path.dirname(path.dirname(arm)), 'identity'), 'utf8');
    expect(identity).toMatch(new RegExp(`^metalor-oci-cache 2\\nreference=${images.multi}\\narch=arm64\\nsource=manifest sha256:[0-9a-f]{64}\\n$`));
  });

  it('reuses the cache across package roots without calling skopeo', async () => {
    const cache = path.join(scratch, 'reuse-cache');
    const before = counter.calls();
    const events: OciProgressEvent[] = [];
    await prepareOciRootfs(images.amd64, prefix, path.join(prefix, 'reuse-1'), { cacheRoot: cache, onProgress: (e) => events.push(e) });
    expect(counter.calls()).toBe(before + 1);
    expect(events.map((e) => e.type)).toEqual(['copying', 'unpacking', 'done']);
    events.length = 0;
    const rootfs = await prepareOciRootfs(images.amd64, prefix, path.join(prefix, 'reuse-2'), { cacheRoot: cache, onProgress: (e) => events.push(e) });
    expect(counter.calls()).toBe(before + 1);
    expect(events.map((e) => e.type)).toEqual(['cache-hit', 'done']);
    expect(events[1]).toMatchObject({ type: 'done', rootfs, cached: true });
    // Prove it again with skopeo gone from PATH altogether.
    process.env.PATH = '/nonexistent';
    await prepareOciRootfs(images.amd64, prefix, path.join(prefix, 'reuse-3'), { cacheRoot: cache });
  });

  it('re-preparing a package root discards the previous job changes', async () => {
    const pkg = path.join(prefix, 'reprepare');
    await prepareOciRootfs(images.amd64, prefix, pkg, { cacheRoot });
    writeFileSync(path.join(pkg, 'oci/bundle/upper/leftover'), 'x');
    await prepareOciRootfs(images.amd64, prefix, pkg, { cacheRoot });
    expect(readdirSync(path.join(pkg, 'oci/bundle/upper'))).toEqual([]);
  });

  it('rebuilds an entry whose identity does not match', async () => {
    const cache = path.join(scratch, 'stale-cache');
    const first = await prepareOciRootfs(images.amd64, prefix, path.join(prefix, 'stale-1'), { cacheRoot: cache });
    const entry = path.dirname(path.dirname((await readRootfsView(first))!.lowerdir));
    writeFileSync(path.join(entry, 'identity'), 'metalor-oci-cache 1\nreference=oci:/elsewhere:x\narch=system\n');
    const before = counter.calls();
    const second = await prepareOciRootfs(images.amd64, prefix, path.join(prefix, 'stale-2'), { cacheRoot: cache });
    expect(counter.calls()).toBe(before + 1);
    expect(readFileSync(path.join(entry, 'identity'), 'utf8')).toContain(`reference=${images.amd64}\n`);
    expect(await elfMachine(await hostFile(second, '/bin/busybox'))).toBe(ELF_MACHINE.amd64);
  });

  it('rebuilds an entry whose layout lost index.json', async () => {
    const cache = path.join(scratch, 'corrupt-cache');
    const first = await prepareOciRootfs(images.amd64, prefix, path.join(prefix, 'corrupt-1'), { cacheRoot: cache });
    const entry = path.dirname(path.dirname((await readRootfsView(first))!.lowerdir));
    rmSync(path.join(entry, 'layout', 'index.json'));
    const before = counter.calls();
    await prepareOciRootfs(images.amd64, prefix, path.join(prefix, 'corrupt-2'), { cacheRoot: cache });
    expect(counter.calls()).toBe(before + 1);
    expect(existsSync(path.join(entry, 'layout', 'index.json'))).toBe(true);
    expect(entriesOf(cache)).toHaveLength(1);
  });
});

describe('prepareOciRootfs references', () => {
  it('passes oci-archive: through', async () => {
    const rootfs = await prepareOciRootfs(images.ociArchive, prefix, path.join(prefix, 'oci-archive'), { cacheRoot });
    expect(await elfMachine(await hostFile(rootfs, '/bin/busybox'))).toBe(ELF_MACHINE.amd64);
  });
  it('passes docker-archive: through', async () => {
    const rootfs = await prepareOciRootfs(images.dockerArchive, prefix, path.join(prefix, 'docker-archive'), { cacheRoot });
    expect(await elfMachine(await hostFile(rootfs, '/bin/busybox'))).toBe(ELF_MACHINE.amd64);
  });
  it('unpacks into the package root without a cache, as the crate does', async () => {
    const pkg = path.join(prefix, 'plain');
    const events: OciProgressEvent[] = [];
    const rootfs = await prepareOciRootfs(images.arm64, prefix, pkg, { onProgress: (e) => events.push(e) });
    expect(rootfs).toBe(path.join(pkg, 'oci/bundle/rootfs'));
    expect(existsSync(path.join(rootfs, '.metalor-view'))).toBe(false);
    expect(await elfMachine(path.join(rootfs, 'bin/busybox'))).toBe(ELF_MACHINE.arm64);
    expect(existsSync(path.join(pkg, 'oci/layout/index.json'))).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['copying', 'unpacking', 'done']);
    expect(events[2]).toMatchObject({ cached: false });
  });
  it('names the copy and carries skopeo stderr for a reference that does not exist', async () => {
    const pkg = path.join(prefix, 'missing-ref');
    const cache = path.join(scratch, 'missing-ref-cache');
    const reference = `oci:${images.layout}:no-such-tag`;
    const error = await prepareOciRootfs(reference, prefix, pkg, { cacheRoot: cache }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinuxRuntimeError);
    expect(error).toMatchObject({ code: 'ERR_METALOR_TOOL_FAILED', exitCode: 1 });
    expect((error as Error).message).toMatch(new RegExp(`^copy OCI image ${reference} into ${cache}/`));
    expect((error as { stderr: string }).stderr).toContain('no-such-tag');
    expect((error as Error).message).toContain((error as { stderr: string }).stderr);
    expect(existsSync(pkg)).toBe(false);
    expect(entriesOf(cache)).toEqual([]);
    expect(readdirSync(cache).filter((name) => name.startsWith('.tmp-'))).toEqual([]);
  });
  it('creates nothing in the package root when a plain copy fails', async () => {
    const pkg = path.join(prefix, 'missing-plain');
    await expect(prepareOciRootfs(`oci:${images.layout}:no-such-tag`, prefix, pkg)).rejects.toMatchObject({ code: 'ERR_METALOR_TOOL_FAILED' });
    expect(existsSync(pkg)).toBe(false);
  });
});

describe('prepareOciRootfs bad input, refused before anything is created', () => {
  const cases: [string, () => Promise<unknown>, string][] = [
    ['unsupported arch', () => prepareOciRootfs(images.multi, prefix, path.join(prefix, 'bad-arch'), { cacheRoot: path.join(scratch, 'bad-cache'), arch: 'mips' }), 'ERR_METALOR_ARCH_UNSUPPORTED'],
    ['package root outside the prefix', () => prepareOciRootfs(images.amd64, prefix, path.join(scratch, 'outside'), { cacheRoot: path.join(scratch, 'bad-cache') }), 'ERR_METALOR_PATH_OUTSIDE_PREFIX'],
    ['package root equal to the prefix', () => prepareOciRootfs(images.amd64, prefix, prefix, { cacheRoot: path.join(scratch, 'bad-cache') }), 'ERR_METALOR_PATH_OUTSIDE_PREFIX'],
    ['package root with ..', () => prepareOciRootfs(images.amd64, prefix, `${prefix}/a/../b`, { cacheRoot: path.join(scratch, 'bad-cache') }), 'ERR_METALOR_PATH_PARENT_SEGMENT'],
    ['relative package root', () => prepareOciRootfs(images.amd64, prefix, 'rel/pkg', { cacheRoot: path.join(scratch, 'bad-cache') }), 'ERR_METALOR_PATH_NOT_ABSOLUTE'],
    ['relative cache root', () => prepareOciRootfs(images.amd64, prefix, path.join(prefix, 'bad-cache-root'), { cacheRoot: 'cache' }), 'ERR_METALOR_PATH_NOT_ABSOLUTE'],
    ['empty reference', () => prepareOciRootfs('', prefix, path.join(prefix, 'bad-ref'), { cacheRoot: path.join(scratch, 'bad-cache') }), 'ERR_METALOR_OCI_REFERENCE_INVALID'],
    ['reference with a newline', () => prepareOciRootfs('oci:/x:y\narch=arm64', prefix, path.join(prefix, 'bad-ref'), { cacheRoot: path.join(scratch, 'bad-cache') }), 'ERR_METALOR_OCI_REFERENCE_INVALID'],
    ['package root with a colon', () => prepareOciRootfs(images.amd64, prefix, path.join(prefix, 'a:b'), { cacheRoot: path.join(scratch, 'bad-cache') }), 'ERR_METALOR_VIEW_PATH_UNSUPPORTED'],
    ['onProgress that is not a function', () => prepareOciRootfs(images.amd64, prefix, path.join(prefix, 'bad-opt'), { onProgress: 'x' as never }), 'ERR_METALOR_OPTIONS_INVALID'],
    ['missing prefix', () => prepareOciRootfs(images.amd64, path.join(scratch, 'no-prefix'), path.join(scratch, 'no-prefix', 'pkg')), 'ERR_METALOR_PREFIX_INVALID'],
  ];
  it.each(cases)('%s', async (_name, run, code) => {
    const before = readdirSync(prefix).sort();
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinuxRuntimeError);
    expect(error).toMatchObject({ code });
    expect(readdirSync(prefix).sort()).toEqual(before);
    expect(existsSync(path.join(scratch, 'bad-cache'))).toBe(false);
  });

  it('refuses a prefix child that is a symlink and creates nothing through it', async () => {
    const outside = path.join(scratch, 'symlink-target');
    mkdirSync(outside);
    symlinkSync(outside, path.join(prefix, 'linked'));
    const error = await prepareOciRootfs(images.amd64, prefix, path.join(prefix, 'linked', 'pkg'), { cacheRoot: path.join(scratch, 'bad-cache') }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_METALOR_SYMLINK_COMPONENT' });
    expect((error as Error).message).toContain(path.join(prefix, 'linked'));
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(path.join(scratch, 'bad-cache'))).toBe(false);
  });

  it('refuses a symlinked oci/bundle inside the package root', async () => {
    const pkg = path.join(prefix, 'bundle-link');
    const outside = path.join(scratch, 'bundle-target');
    mkdirSync(path.join(pkg, 'oci'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'keep'), 'x');
    symlinkSync(outside, path.join(pkg, 'oci', 'bundle'));
    await expect(prepareOciRootfs(images.amd64, prefix, pkg, { cacheRoot })).rejects.toMatchObject({ code: 'ERR_METALOR_SYMLINK_COMPONENT' });
    expect(readdirSync(outside)).toEqual(['keep']);
  });

  it('stops before copying when the signal is already aborted', async () => {
    const before = counter.calls();
    await expect(
      prepareOciRootfs(images.amd64, prefix, path.join(prefix, 'aborted'), { cacheRoot: path.join(scratch, 'abort-cache'), signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: 'ERR_METALOR_ABORTED' });
    expect(counter.calls()).toBe(before);
  });
});

describe('view descriptor', () => {
  it('is what readRootfsView parses back', async () => {
    const rootfs = path.join(prefix, 'layout', 'oci/bundle/rootfs');
    const view = await readRootfsView(rootfs);
    expect(await readFile(path.join(rootfs, '.metalor-view'), 'utf8')).toBe(
      `lowerdir=${view!.lowerdir}\nupperdir=${view!.upperdir}\nworkdir=${view!.workdir}\n`,
    );
  });
});
