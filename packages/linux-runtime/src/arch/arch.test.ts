import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  LinuxRuntimeError,
  RUN_HELPER_DIR,
  backendCaps,
  helperBinaryPath,
  hostArch,
  normalizeArchName,
  ociArchName,
  prepareRuntimeEmulator,
} from '../index.js';

describe('arch names', () => {
  it.each([
    ['x86_64', 'x86_64', 'amd64'],
    ['amd64', 'x86_64', 'amd64'],
    ['aarch64', 'aarch64', 'arm64'],
    ['arm64', 'aarch64', 'arm64'],
    ['riscv64', 'riscv64', 'riscv64'],
  ])('%s normalises to %s (OCI %s)', (input, kernel, oci) => {
    expect(normalizeArchName(input)).toBe(kernel);
    expect(ociArchName(input)).toBe(oci);
  });
  it.each(['mips', 'X86_64', '', 'toString', '__proto__'])('refuses %j with a typed error naming it', (input) => {
    expect(() => normalizeArchName(input)).toThrow(expect.objectContaining({ code: 'ERR_METALOR_ARCH_UNSUPPORTED', message: expect.stringContaining(JSON.stringify(input)) }));
  });
  it('refuses a non-string without a TypeError', () => {
    expect(() => normalizeArchName(42 as unknown as string)).toThrow(LinuxRuntimeError);
  });
  it('reports the host arch in the kernel spelling', () => {
    expect(hostArch()).toBe(normalizeArchName(os.machine()));
  });
});

describe('helper paths and caps', () => {
  it('puts helpers under /.metalor-run', () => {
    expect(RUN_HELPER_DIR).toBe('/.metalor-run');
    expect(helperBinaryPath('qemu-aarch64-static')).toBe('/.metalor-run/qemu-aarch64-static');
  });
  it.each(['', '.', '..', 'a/b', '../x'])('refuses helper name %j', (name) => {
    expect(() => helperBinaryPath(name)).toThrow(expect.objectContaining({ code: 'ERR_METALOR_HELPER_NAME_INVALID' }));
  });
  it('has every capability but profile-selected network', () => {
    expect(backendCaps()).toEqual({ ociRootfs: true, liveBindMounts: true, foreignArchExec: true, perJobNetworkToggle: true, profileSelectedNetwork: false });
  });
});

describe('prepareRuntimeEmulator', () => {
  let scratch: string;
  const originalPath = process.env.PATH;
  beforeAll(async () => {
    scratch = await realpath(await mkdtemp(path.join(os.tmpdir(), 'metalor-emulator-')));
  });
  afterEach(() => {
    process.env.PATH = originalPath;
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });
  const root = (name: string) => {
    const dir = path.join(scratch, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  };

  it('returns null when host and guest match, creating nothing', async () => {
    const dir = root('same');
    expect(await prepareRuntimeEmulator(dir, 'amd64', 'x86_64')).toBeNull();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('copies the qemu binary from PATH with its mode and returns its cell path', async () => {
    const bin = root('fake-bin');
    writeFileSync(path.join(bin, 'qemu-aarch64-static'), '#!/bin/sh\necho fake qemu\n');
    chmodSync(path.join(bin, 'qemu-aarch64-static'), 0o751);
    process.env.PATH = `${bin}:${originalPath}`;
    const dir = root('foreign');
    expect(await prepareRuntimeEmulator(dir, 'x86_64', 'arm64')).toBe('/.metalor-run/qemu-aarch64-static');
    const staged = path.join(dir, '.metalor-run', 'qemu-aarch64-static');
    expect(readFileSync(staged, 'utf8')).toBe('#!/bin/sh\necho fake qemu\n');
    expect(statSync(staged).mode & 0o7777).toBe(0o751);
    expect(readdirSync(path.join(dir, '.metalor-run'))).toEqual(['qemu-aarch64-static']);
  });

  it('copies the real qemu-user-static binary byte for byte', async () => {
    const dir = root('real');
    const emulator = await prepareRuntimeEmulator(dir, 'x86_64', 'aarch64');
    const host = await realpath(path.join('/usr/bin', 'qemu-aarch64-static'));
    const staged = path.join(dir, emulator!);
    expect(statSync(staged).size).toBe(statSync(host).size);
    expect(statSync(staged).mode & 0o7777).toBe(statSync(host).mode & 0o7777);
  });

  it('names the missing qemu binary', async () => {
    process.env.PATH = root('empty-bin');
    const dir = root('no-qemu');
    await expect(prepareRuntimeEmulator(dir, 'x86_64', 'riscv64')).rejects.toThrow(
      expect.objectContaining({ code: 'ERR_METALOR_EMULATOR_NOT_FOUND', message: expect.stringContaining('qemu-riscv64-static') }),
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a helper dir that is a symlink and writes nothing through it', async () => {
    const dir = root('linked');
    const outside = root('linked-target');
    symlinkSync(outside, path.join(dir, '.metalor-run'));
    const error = await prepareRuntimeEmulator(dir, 'x86_64', 'aarch64').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_METALOR_SYMLINK_COMPONENT' });
    expect((error as Error).message).toContain(path.join(dir, '.metalor-run'));
    expect(readdirSync(outside)).toEqual([]);
  });

  it('replaces a symlink planted at the binary path instead of writing through it', async () => {
    const dir = root('planted');
    const victim = path.join(root('planted-target'), 'victim');
    writeFileSync(victim, 'keep');
    mkdirSync(path.join(dir, '.metalor-run'));
    symlinkSync(victim, path.join(dir, '.metalor-run', 'qemu-aarch64-static'));
    await prepareRuntimeEmulator(dir, 'x86_64', 'aarch64');
    expect(readFileSync(victim, 'utf8')).toBe('keep');
    expect(lstatSync(path.join(dir, '.metalor-run', 'qemu-aarch64-static')).isFile()).toBe(true);
  });

  it('refuses unsupported arches and bad roots before looking at the file system', async () => {
    await expect(prepareRuntimeEmulator(root('x'), 'x86_64', 'sparc')).rejects.toMatchObject({ code: 'ERR_METALOR_ARCH_UNSUPPORTED' });
    await expect(prepareRuntimeEmulator('relative', 'x86_64', 'arm64')).rejects.toMatchObject({ code: 'ERR_METALOR_PATH_NOT_ABSOLUTE' });
    await expect(prepareRuntimeEmulator('/', 'x86_64', 'arm64')).rejects.toMatchObject({ code: 'ERR_METALOR_RUNTIME_ROOT_INVALID' });
    await expect(prepareRuntimeEmulator(path.join(scratch, 'missing'), 'x86_64', 'arm64')).rejects.toMatchObject({ code: 'ERR_METALOR_RUNTIME_ROOT_INVALID' });
    expect(existsSync(path.join(scratch, 'missing'))).toBe(false);
  });
});
