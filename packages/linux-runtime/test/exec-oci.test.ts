import { execa } from 'execa';
import { chmod, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildCellSpec } from '@metalor/cell-spec';
import {
  buildUnshareReexecCommand,
  hostArch,
  linuxRunnerEntry,
  prepareOciRootfs,
  prepareRuntimeEmulator,
  readRootfsView,
  runCell,
  runContainer,
  type LinuxNamespaceBackend,
} from '../src/index.js';
import { ensureTestImages, type TestImages } from './oci/images.js';
import { hostMountsMentioning, makePrefix, removePrefix, requireHostTool } from './support/cell-host.js';

let prefix: string;
let cacheRoot: string;
let images: TestImages;

beforeAll(async () => {
  images = ensureTestImages();
  prefix = await makePrefix('exec-oci');
  cacheRoot = path.join(prefix, 'layer-cache');
});
afterAll(async () => {
  expect(await hostMountsMentioning(prefix)).toEqual([]);
  await removePrefix(prefix);
});

/** Entries of the host's own binfmt_misc instance, read through a throwaway mount namespace. */
async function hostBinfmtEntries(): Promise<string[]> {
  const { stdout } = await execa('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', 'mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc && ls /proc/sys/fs/binfmt_misc']);
  return stdout.split('\n').filter(Boolean).sort();
}

/**
 * Run `action` with a PATH-first `mount` that logs its arguments, one line per call, and
 * runs the real mount(8): the shipped runner finds mount(8) on the PATH we give it.
 */
async function countingMounts<T>(label: string, action: () => Promise<T>): Promise<{ value: T; calls: string[] }> {
  const binDir = path.join(prefix, `mount-bin-${label}`);
  const log = path.join(binDir, 'calls');
  const real = (await execa('sh', ['-c', 'command -v mount'])).stdout.trim();
  await mkdir(binDir, { recursive: true });
  await writeFile(path.join(binDir, 'mount'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`);
  await chmod(path.join(binDir, 'mount'), 0o755);
  const originalPath = process.env.PATH;
  process.env.PATH = `${binDir}:${originalPath}`;
  try {
    const value = await action();
    const calls = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    return { value, calls };
  } finally {
    process.env.PATH = originalPath;
    await rm(binDir, { recursive: true, force: true });
  }
}

describe.each<LinuxNamespaceBackend>(['privileged', 'rootlessUser'])('busybox OCI image roots (%s)', (backend) => {
  const sh = (root: string, script: string, mounts: { source: string; destination: string; readOnly: boolean }[] = [], network: 'enabled' | 'disabled' = 'enabled') =>
    runContainer({ root, cwd: '/', mounts, env: [['PATH', '/bin']], executable: '/bin/sh', argv: ['-c', script] }, { runtimeRootPrefix: prefix, backend, network });
  const probe = 'test -c /dev/null && test -c /dev/urandom && test -e /proc/self/ns/mnt && test -s /etc/resolv.conf && echo mounted';

  it('a fresh copy-on-write root is mounted with the other mounts in one mount(8) call; a reused one still works', async () => {
    const root = await prepareOciRootfs(images.amd64, prefix, path.join(prefix, `one-mount-${backend}`), { cacheRoot });
    const first = await countingMounts(`fresh-${backend}`, () => sh(root, `${probe}; echo changed > /etc/changed`));
    expect(first.value).toMatchObject({ exitCode: 0, stdout: 'mounted\n', stderr: '' });
    expect(first.calls).toHaveLength(1);
    expect(first.calls[0]).toMatch(/^-a -T /);
    // The upper layer now holds changes: the view is mounted first, then the rest.
    const second = await countingMounts(`reused-${backend}`, () => sh(root, `${probe}; cat /etc/changed`));
    expect(second.value).toMatchObject({ exitCode: 0, stdout: 'mounted\nchanged\n', stderr: '' });
    expect(second.calls.map((call) => call.split(' ')[0])).toEqual(['-t', '-a']);
  });

  it('a view is mounted volatile (no sync when the cell ends); a restart of the host since then is refused, a marker left by a dead caller is cleared', async () => {
    const root = await prepareOciRootfs(images.amd64, prefix, path.join(prefix, `volatile-${backend}`), { cacheRoot });
    const { workdir } = (await readRootfsView(root))!;
    const first = await sh(root, 'grep -c volatile /proc/self/mountinfo; echo kept > /etc/kept');
    expect(first).toMatchObject({ exitCode: 0, stdout: '1\n' });
    // runContainer removed overlay's volatile marker; the boot is stamped.
    await expect(readdir(path.join(workdir, 'work', 'incompat'))).rejects.toMatchObject({ code: 'ENOENT' });
    const bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    expect(await readFile(path.join(workdir, '.metalor-volatile-boot'), 'utf8')).toBe(`${bootId}\n`);
    // A caller killed before clearing it leaves the marker: the runner clears it itself.
    await mkdir(path.join(workdir, 'work', 'incompat', 'volatile'), { recursive: true });
    const plan = await buildUnshareReexecCommand(linuxRunnerEntry(), prefix, { root, cwd: '/', mounts: [], env: [], executable: '/bin/cat', argv: ['/etc/kept'] }, backend);
    const direct = await execa(plan.file, plan.args, { env: { ...plan.env, METALOR_RUN_TOKEN: 'tok' }, reject: false });
    expect(direct).toMatchObject({ exitCode: 0, stdout: 'kept' });
    await rm(path.join(prefix, '.metalor-fstab-tok'), { force: true });
    // The same upper layer after a restart of the host may have lost unsynced writes.
    await writeFile(path.join(workdir, '.metalor-volatile-boot'), '00000000-0000-0000-0000-000000000000\n');
    await expect(sh(root, 'true')).rejects.toMatchObject({ code: 'ERR_METALOR_VIEW_INVALID' });
  });

  it('a fresh copy-on-write root with a bind target missing from the image creates it inside the view', async () => {
    const root = await prepareOciRootfs(images.amd64, prefix, path.join(prefix, `new-target-${backend}`), { cacheRoot });
    const data = path.join(prefix, `data-${backend}`);
    await mkdir(data, { recursive: true });
    await writeFile(path.join(data, 'f'), 'bound\n');
    const result = await sh(root, `${probe}; cat /work/data/f`, [{ source: data, destination: '/work/data', readOnly: true }]);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'mounted\nbound\n', stderr: '' });
    const view = await readRootfsView(root);
    expect((await readdir(path.join(view!.upperdir, 'work'))).sort()).toEqual(['data']);
    await expect(readdir(path.join(view!.lowerdir, 'work'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a job that swapped /etc for a symlink cannot steer the next job\'s resolv.conf mount out of the root', async () => {
    const root = await prepareOciRootfs(images.amd64, prefix, path.join(prefix, `swap-etc-${backend}`), { cacheRoot });
    const outside = path.join(prefix, `swap-outside-${backend}`);
    await mkdir(outside, { recursive: true });
    // Offline, so that no resolv.conf is mounted in /etc while the job replaces it.
    const swapped = await sh(root, `rm -rf /etc && ln -s ${outside} /etc && echo swapped`, [], 'disabled');
    expect(swapped).toMatchObject({ exitCode: 0, stdout: 'swapped\n' });
    // The cached lower layer still has a real /etc; only the merged view shows the symlink.
    await expect(sh(root, 'echo ran')).rejects.toMatchObject({ code: 'ERR_METALOR_SYMLINK_COMPONENT' });
    expect(await readdir(outside)).toEqual([]);
  });

  it('a build cell in a copy-on-write root: the export from the root is read through the view, the cached layer is untouched', async () => {
    const root = await prepareOciRootfs(images.amd64, prefix, path.join(prefix, `pkg-${backend}`), { cacheRoot });
    const view = await readRootfsView(root);
    expect(view).not.toBeNull();
    const lowerBefore = (await readdir(path.join(view!.lowerdir, 'etc'))).sort();
    const out = path.join(prefix, `out-${backend}`);
    const cell: BuildCellSpec = {
      root,
      scratch: path.join(prefix, `scratch-${backend}`),
      workspacePath: '/workspace',
      workspaceSeed: { kind: 'empty' },
      imports: [],
      caches: [],
      exports: [
        { source: '/etc/made-in-cell', destination: path.join(out, 'made.txt') },
        { source: '/etc', destination: path.join(out, 'etc') },
      ],
      command: { cwd: '/workspace', executable: '/bin/sh', argv: ['-c', 'cat /etc/hostname >/dev/null && echo cell > /etc/made-in-cell && rm /etc/group && uname -m'] },
      env: [['PATH', '/bin']],
      network: 'disabled',
      limits: {},
      cleanup: 'always',
    };
    const result = await runCell(cell, { runtimeRootPrefix: prefix, backend });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'x86_64\n', stderr: '' });
    expect(await readFile(path.join(out, 'made.txt'), 'utf8')).toBe('cell\n');
    const exportedEtc = (await readdir(path.join(out, 'etc'))).sort();
    expect(exportedEtc).toContain('made-in-cell');
    expect(exportedEtc).toContain('passwd');
    expect(exportedEtc).not.toContain('group');
    expect((await readdir(path.join(view!.lowerdir, 'etc'))).sort()).toEqual(lowerBefore);
  });

  it('arm64 under qemu: nested sh -c execs more arm64 binaries; binfmt stays out of the host during and after', async () => {
    requireHostTool('/usr/bin/qemu-aarch64-static', 'qemu-user-static Debian package');
    const before = await hostBinfmtEntries();
    const root = await prepareOciRootfs(images.arm64, prefix, path.join(prefix, `arm-${backend}`), { cacheRoot, arch: 'arm64' });
    const emulator = await prepareRuntimeEmulator(root, hostArch(), 'arm64');
    expect(emulator).toBe('/.metalor-run/qemu-aarch64-static');
    let during: string[] | null = null;
    const lines: string[] = [];
    const result = await runContainer(
      {
        root,
        cwd: '/',
        mounts: [],
        env: [['PATH', '/bin']],
        emulator: emulator!,
        executable: '/bin/sh',
        argv: ['-c', 'uname -m; sh -c "uname -m; exec busybox uname -m"; head -c 4 /proc/sys/fs/binfmt_misc/metalor; echo; echo ready; read -t 3 x < /dev/zero; sleep 1; echo done'],
      },
      {
        runtimeRootPrefix: prefix,
        backend,
        stdio: {
          stdout: (line) => {
            lines.push(line);
            if (line === 'ready') void hostBinfmtEntries().then((entries) => { during = entries; });
          },
        },
      },
    );
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(lines).toEqual(['aarch64', 'aarch64', 'aarch64', 'enab', 'ready', 'done']);
    expect(during).toEqual(before);
    expect(await hostBinfmtEntries()).toEqual(before);
    expect(before).not.toContain('metalor');
  });
});
