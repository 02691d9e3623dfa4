import { execa } from 'execa';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildCellSpec } from '@metalor/cell-spec';
import {
  hostArch,
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

describe.each<LinuxNamespaceBackend>(['privileged', 'rootlessUser'])('busybox OCI image roots (%s)', (backend) => {
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
