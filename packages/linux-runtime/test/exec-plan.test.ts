import { readFile, readdir, readlink, symlink, writeFile, mkdir, lstat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_CELL_REQUEST_FILE, readBuildCellRequest, type BuildCellSpec } from '@metalor/cell-spec';
import {
  buildCellReexecCommand,
  buildUnshareReexecCommand,
  formatRunnerArgs,
  parseRunnerArgs,
  probeRootlessUserns,
  type ContainerRunCommand,
} from '../src/index.js';
import { makePrefix, removePrefix } from './support/cell-host.js';

const entry = ['/usr/bin/node', '/opt/tool.js', 'internal-run'];
let prefix: string;
let parentNs: string;

beforeAll(async () => {
  prefix = await makePrefix('plan');
  parentNs = await readlink('/proc/self/ns/mnt');
});
afterAll(async () => {
  await removePrefix(prefix);
  await removePrefix(`${prefix}-link`);
});

function command(overrides: Partial<ContainerRunCommand> = {}): ContainerRunCommand {
  return {
    root: path.join(prefix, 'pkg', 'rootfs'),
    cwd: '/work',
    mounts: [
      { source: '/srv/src', destination: '/work', readOnly: false },
      { source: '/srv/ro', destination: '/work/ro', readOnly: true },
    ],
    env: [['PATH', '/bin'], ['A', 'b=c']],
    executable: '/bin/sh',
    argv: ['-c', 'echo "$A"', '--root', 'x'],
    ...overrides,
  };
}

function cellSpec(overrides: Partial<BuildCellSpec> = {}): BuildCellSpec {
  return {
    root: path.join(prefix, 'cell', 'root'),
    scratch: path.join(prefix, 'cell', 'scratch'),
    workspacePath: '/workspace',
    workspaceSeed: { kind: 'empty' },
    imports: [],
    caches: [],
    exports: [],
    command: { cwd: '/workspace', executable: 'make', argv: ['all'] },
    env: [['PATH', '/bin']],
    network: 'enabled',
    limits: {},
    cleanup: 'always',
    ...overrides,
  };
}

describe('buildUnshareReexecCommand', () => {
  it('returns the privileged unshare plan byte for byte and writes the root sentinel', async () => {
    const plan = await buildUnshareReexecCommand(entry, prefix, command());
    expect(plan).toEqual({
      file: 'unshare',
      args: [
        '--fork', '--pid', '--mount', '--uts', '--ipc', '--',
        ...entry,
        '--root', path.join(prefix, 'pkg', 'rootfs'), '--cwd', '/work',
        '--mount-source', '/srv/src', '--mount-dest', '/work', '--mount-mode', 'rw',
        '--mount-source', '/srv/ro', '--mount-dest', '/work/ro', '--mount-mode', 'ro',
        '--env', 'PATH=/bin', '--env', 'A=b=c',
        '--executable', '/bin/sh', '-c', 'echo "$A"', '--root', 'x',
      ],
      env: { METALOR_PRIVATE_NS: '1', METALOR_RUNTIME_ROOT_PREFIX: prefix, METALOR_PARENT_MOUNT_NS: parentNs },
    });
    expect(await readFile(path.join(prefix, 'pkg', 'rootfs', '.metalor-root'), 'utf8')).toBe(prefix);
  });

  it('uses the rootless flag set and puts --emulator before --executable', async () => {
    const plan = await buildUnshareReexecCommand(entry, prefix, command({ mounts: [], env: [], emulator: '/.metalor-run/qemu-aarch64-static', argv: [] }), 'rootlessUser');
    expect(plan.args).toEqual([
      '--fork', '--user', '--map-root-user', '--pid', '--mount', '--uts', '--ipc', '--',
      ...entry,
      '--root', path.join(prefix, 'pkg', 'rootfs'), '--cwd', '/work',
      '--emulator', '/.metalor-run/qemu-aarch64-static', '--executable', '/bin/sh',
    ]);
  });

  it('canonicalises a symlinked prefix in the environment and the sentinel', async () => {
    const link = `${prefix}-link`;
    await symlink(prefix, link);
    const plan = await buildUnshareReexecCommand(entry, link, command());
    expect(plan.env.METALOR_RUNTIME_ROOT_PREFIX).toBe(prefix);
  });

  it.each([
    ['a root outside the prefix', { root: '/tmp/elsewhere/root' }, 'ERR_METALOR_PATH_OUTSIDE_PREFIX'],
    ['a relative cwd', { cwd: 'work' }, 'ERR_METALOR_CWD_INVALID'],
    ['a cwd with ..', { cwd: '/work/../etc' }, 'ERR_METALOR_CWD_INVALID'],
    ['an executable with a relative path', { executable: 'bin/sh' }, 'ERR_METALOR_EXECUTABLE_INVALID'],
    ['an executable ..', { executable: '..' }, 'ERR_METALOR_EXECUTABLE_INVALID'],
    ['an emulator outside /.metalor-run', { emulator: '/usr/bin/qemu-aarch64-static' }, 'ERR_METALOR_EMULATOR_INVALID'],
    ['a relative bind source', { mounts: [{ source: 'src', destination: '/x', readOnly: true }] }, 'ERR_METALOR_PATH_NOT_ABSOLUTE'],
    ['a bind source with ..', { mounts: [{ source: '/srv/../etc', destination: '/x', readOnly: true }] }, 'ERR_METALOR_PATH_PARENT_SEGMENT'],
    ['a mount destination of /', { mounts: [{ source: '/srv', destination: '/', readOnly: true }] }, 'ERR_METALOR_MOUNT_DESTINATION_INVALID'],
    ['a relative mount destination', { mounts: [{ source: '/srv', destination: 'x', readOnly: true }] }, 'ERR_METALOR_MOUNT_DESTINATION_INVALID'],
    ['a duplicated mount destination', { mounts: [{ source: '/a', destination: '/x', readOnly: true }, { source: '/b', destination: '/x/', readOnly: true }] }, 'ERR_METALOR_MOUNT_DESTINATION_INVALID'],
    ['an env key with =', { env: [['A=B', 'x']] as [string, string][] }, 'ERR_METALOR_ENV_INVALID'],
    ['an env value with NUL', { env: [['A', 'x\0y']] as [string, string][] }, 'ERR_METALOR_ENV_INVALID'],
  ])('refuses %s before anything is written', async (_name, overrides, code) => {
    await expect(buildUnshareReexecCommand(entry, prefix, command(overrides))).rejects.toMatchObject({ code, name: 'LinuxRuntimeError' });
  });

  it('refuses a root reached through a symlinked component, a symlinked sentinel, an empty entry and an unknown backend', async () => {
    await mkdir(path.join(prefix, 'real'), { recursive: true });
    await symlink(path.join(prefix, 'real'), path.join(prefix, 'linked'));
    await expect(buildUnshareReexecCommand(entry, prefix, command({ root: path.join(prefix, 'linked', 'root') }))).rejects.toMatchObject({ code: 'ERR_METALOR_SYMLINK_COMPONENT' });
    const root = path.join(prefix, 'sentinel-link');
    await mkdir(root);
    await writeFile(path.join(prefix, 'elsewhere'), 'x');
    await symlink(path.join(prefix, 'elsewhere'), path.join(root, '.metalor-root'));
    await expect(buildUnshareReexecCommand(entry, prefix, command({ root }))).rejects.toMatchObject({ code: 'ERR_METALOR_SENTINEL_INVALID' });
    expect(await readFile(path.join(prefix, 'elsewhere'), 'utf8')).toBe('x');
    await expect(buildUnshareReexecCommand([], prefix, command())).rejects.toMatchObject({ code: 'ERR_METALOR_ENTRY_INVALID' });
    await expect(buildUnshareReexecCommand(entry, prefix, command(), 'docker' as never)).rejects.toMatchObject({ code: 'ERR_METALOR_BACKEND_INVALID' });
  });
});

describe('parseRunnerArgs', () => {
  it('round-trips formatRunnerArgs, keeping argv that looks like options', () => {
    const original = command({ emulator: '/.metalor-run/qemu-riscv64-static' });
    expect(parseRunnerArgs(formatRunnerArgs(original))).toEqual({ kind: 'container', command: original });
  });
  it('reads a build-cell request path', () => {
    expect(parseRunnerArgs(['--build-cell-request', '/s/build-cell-request.json'])).toEqual({ kind: 'buildCell', requestPath: '/s/build-cell-request.json' });
  });
  it.each([
    [['--root']],
    [['--root', '/r', '--cwd', '/', '--bogus', 'x', '--executable', 'sh']],
    [['--root', '/r', '--cwd', '/', '--mount-source', '/a', '--mount-mode', 'ro', '--executable', 'sh']],
    [['--root', '/r', '--cwd', '/', '--mount-source', '/a', '--mount-dest', '/b', '--mount-mode', 'rx', '--executable', 'sh']],
    [['--root', '/r', '--cwd', '/', '--env', 'NOVALUE', '--executable', 'sh']],
    [['--root', '/r', '--cwd', '/']],
    [['--build-cell-request']],
  ])('refuses %j with ERR_METALOR_RUNNER_ARGS', (args) => {
    expect(() => parseRunnerArgs(args)).toThrow(expect.objectContaining({ code: 'ERR_METALOR_RUNNER_ARGS' }));
  });
});

describe('buildCellReexecCommand', () => {
  it('stages scratch, writes the request and returns the plan with --net when the network is off', async () => {
    const src = path.join(prefix, 'inputs');
    await mkdir(path.join(src, 'seed', 'd'), { recursive: true });
    await writeFile(path.join(src, 'seed', 'd', 'f.txt'), 'seed');
    await writeFile(path.join(src, 'import.txt'), 'imp');
    await mkdir(path.join(src, 'cache'));
    await writeFile(path.join(src, 'cache', 'c'), 'cache');
    const spec = cellSpec({
      workspaceSeed: { kind: 'snapshotDir', path: path.join(src, 'seed') },
      imports: [{ source: path.join(src, 'import.txt'), destination: '/workspace/in/import.txt' }],
      caches: [{ source: path.join(src, 'cache'), destination: '/cache' }, { source: path.join(src, 'absent'), destination: '/cache2' }],
      network: 'disabled',
    });
    await mkdir(spec.scratch, { recursive: true });
    await writeFile(path.join(spec.scratch, 'stale'), 'old');
    const plan = await buildCellReexecCommand(entry, prefix, spec);
    const requestPath = path.join(spec.scratch, BUILD_CELL_REQUEST_FILE);
    expect(plan).toEqual({
      file: 'unshare',
      args: ['--fork', '--pid', '--mount', '--uts', '--ipc', '--net', '--', ...entry, '--build-cell-request', requestPath],
      env: { METALOR_PRIVATE_NS: '1', METALOR_RUNTIME_ROOT_PREFIX: prefix, METALOR_PARENT_MOUNT_NS: parentNs },
    });
    expect(await readBuildCellRequest(requestPath)).toEqual(spec);
    expect((await readdir(spec.scratch)).sort()).toEqual(['build-cell-request.json', 'build-cell-runner-args.sh', 'caches', 'imports', 'workspace']);
    expect(await readFile(path.join(spec.scratch, 'workspace', 'd', 'f.txt'), 'utf8')).toBe('seed');
    expect(await readFile(path.join(spec.scratch, 'imports', '0'), 'utf8')).toBe('imp');
    expect(await readFile(path.join(spec.scratch, 'caches', '0', 'c'), 'utf8')).toBe('cache');
    expect((await lstat(path.join(spec.scratch, 'caches', '1'))).isDirectory()).toBe(true);
    expect(await readFile(path.join(spec.root, '.metalor-root'), 'utf8')).toBe(prefix);
  });

  it('uses the rootless flags and no --net when the network is on', async () => {
    const spec = cellSpec({ root: path.join(prefix, 'c2', 'root'), scratch: path.join(prefix, 'c2', 'scratch') });
    const plan = await buildCellReexecCommand(entry, prefix, spec, 'rootlessUser');
    expect(plan.args.slice(0, 8)).toEqual(['--fork', '--user', '--map-root-user', '--pid', '--mount', '--uts', '--ipc', '--']);
    expect(plan.args).not.toContain('--net');
  });

  it.each([
    ['equal', 'same', 'same'],
    ['scratch inside root', 'r', 'r/scratch'],
    ['root inside scratch', 's/root', 's'],
  ])('refuses root and scratch that are %s', async (_name, root, scratch) => {
    const spec = cellSpec({ root: path.join(prefix, 'overlap', root), scratch: path.join(prefix, 'overlap', scratch) });
    await expect(buildCellReexecCommand(entry, prefix, spec)).rejects.toMatchObject({ code: 'ERR_METALOR_SCRATCH_OVERLAPS_ROOT' });
  });

  it('refuses a scratch reached through a symlinked component, and writes nothing through it', async () => {
    await mkdir(path.join(prefix, 'scratch-real'), { recursive: true });
    await symlink(path.join(prefix, 'scratch-real'), path.join(prefix, 'scratch-link'));
    const spec = cellSpec({ root: path.join(prefix, 'c3', 'root'), scratch: path.join(prefix, 'scratch-link', 'scratch') });
    await expect(buildCellReexecCommand(entry, prefix, spec)).rejects.toMatchObject({ code: 'ERR_METALOR_SYMLINK_COMPONENT' });
    expect(await readdir(path.join(prefix, 'scratch-real'))).toEqual([]);
  });

  it('refuses a scratch outside the prefix and an invalid spec', async () => {
    await expect(buildCellReexecCommand(entry, prefix, cellSpec({ scratch: '/tmp/outside-scratch' }))).rejects.toMatchObject({ code: 'ERR_METALOR_PATH_OUTSIDE_PREFIX' });
    await expect(buildCellReexecCommand(entry, prefix, cellSpec({ workspacePath: '/' }))).rejects.toMatchObject({ name: 'CellSpecError' });
  });
});

describe('probeRootlessUserns', () => {
  it('succeeds here and is cached per process', async () => {
    const first = probeRootlessUserns(true);
    expect(probeRootlessUserns(true)).toBe(first);
    expect(await first).toEqual({ backend: 'rootlessUser', disableNetwork: true, ok: true, status: 0, stderr: '' });
    expect((await probeRootlessUserns(false)).disableNetwork).toBe(false);
  });
});
