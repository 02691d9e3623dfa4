import { execa } from 'execa';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUnshareReexecCommand, linuxRunnerEntry, runContainer, type ContainerRunCommand, type LinuxNamespaceBackend } from '../src/index.js';
import { busyboxRoot, hostMountsMentioning, makePrefix, removePrefix } from './support/cell-host.js';

let prefix: string;
let outside: string;

beforeAll(async () => {
  prefix = await makePrefix('harden');
  outside = await makePrefix('harden-outside');
});
afterAll(async () => {
  expect(await hostMountsMentioning(prefix)).toEqual([]);
  await removePrefix(prefix);
  await removePrefix(outside);
});

let counter = 0;
async function freshRoot(): Promise<string> {
  counter += 1;
  return busyboxRoot(prefix, `root-${counter}`);
}

function sh(root: string, script: string, overrides: Partial<ContainerRunCommand> = {}): ContainerRunCommand {
  return { root, cwd: '/', mounts: [], env: [['PATH', '/bin']], executable: '/bin/sh', argv: ['-c', script], ...overrides };
}

/** Spawn a plan as it is and return the runner's outcome (status 125 + code on stderr when refused). */
async function spawnPlan(plan: { file: string; args: string[]; env: Record<string, string> }, extraEnv: Record<string, string> = {}) {
  return execa(plan.file, plan.args, { env: { ...plan.env, ...extraEnv }, reject: false });
}

describe.each<LinuxNamespaceBackend>(['privileged', 'rootlessUser'])('runner refusals (%s)', (backend) => {
  const run = (command: ContainerRunCommand) => runContainer(command, { runtimeRootPrefix: prefix, backend });

  it('refuses a bind target whose parent inside the rootfs is a symlink, and writes nothing through it', async () => {
    const root = await freshRoot();
    const target = path.join(outside, `bind-target-${backend}`);
    await mkdir(target);
    await symlink(target, path.join(root, 'data'));
    const source = path.join(prefix, `src-${counter}`);
    await mkdir(source);
    const refusal = run(sh(root, 'echo ran', { mounts: [{ source, destination: '/data/sub', readOnly: false }] }));
    await expect(refusal).rejects.toMatchObject({ code: 'ERR_METALOR_SYMLINK_COMPONENT', message: expect.stringContaining(path.join(root, 'data')) });
    expect(await readdir(target)).toEqual([]);
  });

  it('refuses a bind target that is itself a symlink', async () => {
    const root = await freshRoot();
    await writeFile(path.join(outside, `file-${backend}`), 'host file');
    await symlink(path.join(outside, `file-${backend}`), path.join(root, 'target'));
    await writeFile(path.join(prefix, `single-${counter}`), 'x');
    await expect(run(sh(root, 'true', { mounts: [{ source: path.join(prefix, `single-${counter}`), destination: '/target', readOnly: true }] })))
      .rejects.toMatchObject({ code: 'ERR_METALOR_SYMLINK_COMPONENT' });
  });

  it('refuses an auto-mount target through a symlinked rootfs /etc (resolv.conf)', async () => {
    const root = await freshRoot();
    const fakeEtc = path.join(outside, `etc-${backend}`);
    await mkdir(fakeEtc);
    await rm(path.join(root, 'etc'), { recursive: true });
    await symlink(fakeEtc, path.join(root, 'etc'));
    await expect(run(sh(root, 'true'))).rejects.toMatchObject({ code: 'ERR_METALOR_SYMLINK_COMPONENT', message: expect.stringContaining(path.join(root, 'etc')) });
    expect(await readdir(fakeEtc)).toEqual([]);
  });

  it('refuses an auto-mount target through a symlinked rootfs /dev', async () => {
    const root = await freshRoot();
    const fakeDev = path.join(outside, `dev-${backend}`);
    await mkdir(fakeDev);
    await rm(path.join(root, 'dev'), { recursive: true });
    await symlink(fakeDev, path.join(root, 'dev'));
    await expect(run(sh(root, 'true'))).rejects.toMatchObject({ code: 'ERR_METALOR_SYMLINK_COMPONENT' });
    expect(await readdir(fakeDev)).toEqual([]);
  });

  it('refuses a mount target of the wrong type', async () => {
    const root = await freshRoot();
    await writeFile(path.join(root, 'plain'), 'file');
    const dir = path.join(prefix, `dir-${counter}`);
    await mkdir(dir);
    await expect(run(sh(root, 'true', { mounts: [{ source: dir, destination: '/plain/below', readOnly: true }] }))).rejects.toMatchObject({ code: 'ERR_METALOR_NOT_A_DIRECTORY' });
    await expect(run(sh(root, 'true', { mounts: [{ source: dir, destination: '/plain', readOnly: true }] }))).rejects.toMatchObject({ code: 'ERR_METALOR_NOT_A_DIRECTORY' });
    await mkdir(path.join(root, 'adir'));
    await writeFile(path.join(prefix, `f-${counter}`), 'x');
    await expect(run(sh(root, 'true', { mounts: [{ source: path.join(prefix, `f-${counter}`), destination: '/adir', readOnly: true }] }))).rejects.toMatchObject({ code: 'ERR_METALOR_MOUNT_TARGET_TYPE' });
  });

  it('refuses a missing bind source', async () => {
    const root = await freshRoot();
    await expect(run(sh(root, 'true', { mounts: [{ source: path.join(prefix, 'nope'), destination: '/x', readOnly: true }] }))).rejects.toMatchObject({ code: 'ERR_METALOR_MOUNT_SOURCE_MISSING' });
  });
});

describe('root checks inside the namespaces', () => {
  it('refuses a missing, mismatched or symlinked sentinel', async () => {
    const root = await freshRoot();
    const plan = await buildUnshareReexecCommand(linuxRunnerEntry(), prefix, sh(root, 'echo ran'));
    const sentinel = path.join(root, '.metalor-root');
    await writeFile(sentinel, '/some/other/prefix');
    let result = await spawnPlan(plan);
    expect([result.exitCode, result.stdout]).toEqual([125, '']);
    expect(result.stderr).toContain('ERR_METALOR_SENTINEL_INVALID');
    await rm(sentinel);
    result = await spawnPlan(plan);
    expect(result.stderr).toContain('ERR_METALOR_SENTINEL_INVALID');
    await writeFile(path.join(prefix, 'sentinel-elsewhere'), prefix);
    await symlink(path.join(prefix, 'sentinel-elsewhere'), sentinel);
    result = await spawnPlan(plan);
    expect(result.stderr).toContain(`root sentinel ${sentinel} is a symlink`);
  });

  it('refuses a root outside the prefix even with a sentinel naming the prefix', async () => {
    const root = await busyboxRoot(outside, 'root');
    await writeFile(path.join(root, '.metalor-root'), prefix);
    const inside = await freshRoot();
    const plan = await buildUnshareReexecCommand(linuxRunnerEntry(), prefix, sh(inside, 'echo ran'));
    plan.args[plan.args.indexOf('--root') + 1] = root;
    const result = await spawnPlan(plan);
    expect(result.exitCode).toBe(125);
    expect(result.stderr).toContain('ERR_METALOR_PATH_OUTSIDE_PREFIX');
  });

  it('refuses a root that reaches outside the prefix through a symlink', async () => {
    const outsideRoot = await busyboxRoot(outside, 'linked-root');
    await writeFile(path.join(outsideRoot, '.metalor-root'), prefix);
    await symlink(outsideRoot, path.join(prefix, 'root-link'));
    const inside = await freshRoot();
    const plan = await buildUnshareReexecCommand(linuxRunnerEntry(), prefix, sh(inside, 'echo ran'));
    plan.args[plan.args.indexOf('--root') + 1] = path.join(prefix, 'root-link');
    const result = await spawnPlan(plan);
    expect(result.stderr).toContain('ERR_METALOR_PATH_OUTSIDE_PREFIX');
  });

  it.each<LinuxNamespaceBackend>(['privileged', 'rootlessUser'])('leaves the command no file descriptor of the host mount namespace, which it could setns back into (%s)', async (backend) => {
    const root = await freshRoot();
    const script = 'for fd in /proc/self/fd/* /proc/1/fd/*; do readlink "$fd"; done; echo listed';
    const result = await runContainer(sh(root, script), { runtimeRootPrefix: prefix, backend });
    expect(result).toMatchObject({ exitCode: 0 });
    expect(result.stdout).toContain('listed\n');
    expect(result.stdout).not.toMatch(/mnt:\[/);
  });

  it('refuses without METALOR_PRIVATE_NS, from the host mount namespace, and with a bad emulator or args', async () => {
    const root = await freshRoot();
    const plan = await buildUnshareReexecCommand(linuxRunnerEntry(), prefix, sh(root, 'echo ran'));
    const { METALOR_PRIVATE_NS: _dropped, ...withoutMarker } = plan.env;
    let result = await execa(plan.file, plan.args, { env: withoutMarker, extendEnv: false, reject: false });
    expect(result.stderr).toContain('ERR_METALOR_NOT_PRIVATE_NAMESPACE');
    const runnerArgs = plan.args.slice(plan.args.indexOf('--') + 1);
    result = await execa(runnerArgs[0] as string, runnerArgs.slice(1), { env: plan.env, reject: false });
    expect(result.stderr).toContain('ERR_METALOR_SAME_MOUNT_NAMESPACE');
    result = await execa(runnerArgs[0] as string, runnerArgs.slice(1), { env: { ...plan.env, METALOR_PARENT_PID: String(process.pid), METALOR_RUN_TOKEN: 'tok' }, reject: false });
    expect(result.stderr).toContain('ERR_METALOR_SAME_MOUNT_NAMESPACE');
    // The way runContainer passes the parent's namespace: open on fd 4.
    const parentNs = openSync('/proc/self/ns/mnt', 'r');
    try {
      result = await execa(runnerArgs[0] as string, runnerArgs.slice(1), {
        env: { ...plan.env, METALOR_PARENT_MOUNT_NS_FD: '4', METALOR_RUN_TOKEN: 'tok' },
        // execa's types have no fd numbers beyond stdio; node:child_process passes them on.
        stdio: ['ignore', 'pipe', 'pipe', 'ignore', parentNs] as unknown as ['ignore', 'pipe', 'pipe'],
        reject: false,
      });
    } finally {
      closeSync(parentNs);
    }
    expect(result.stderr).toContain('ERR_METALOR_SAME_MOUNT_NAMESPACE');
    const emulatorPlan = await buildUnshareReexecCommand(linuxRunnerEntry(), prefix, sh(root, 'true', { emulator: '/.metalor-run/not-qemu' }));
    await mkdir(path.join(root, '.metalor-run'), { recursive: true });
    await writeFile(path.join(root, '.metalor-run', 'not-qemu'), '');
    result = await spawnPlan(emulatorPlan);
    expect(result.stderr).toContain('ERR_METALOR_EMULATOR_INVALID');
    const badArgs = { ...plan, args: [...plan.args.slice(0, plan.args.indexOf('--root')), '--bogus'] };
    result = await spawnPlan(badArgs);
    expect(result.stderr).toContain('ERR_METALOR_RUNNER_ARGS');
  });
});
