import { execa } from 'execa';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildUnshareReexecCommand,
  linuxRunnerEntry,
  runContainer,
  runIsolatedContainerCommand,
  type ContainerRunCommand,
  type LinuxNamespaceBackend,
} from '../src/index.js';
import { busyboxRoot, hostMountsMentioning, makePrefix, nodeInnerEntry, removePrefix } from './support/cell-host.js';

let prefix: string;
let root: string;

beforeAll(async () => {
  prefix = await makePrefix('run');
  root = await busyboxRoot(prefix);
});
afterAll(async () => {
  expect(await hostMountsMentioning(prefix)).toEqual([]);
  await removePrefix(prefix);
});

function sh(script: string, overrides: Partial<ContainerRunCommand> = {}): ContainerRunCommand {
  return { root, cwd: '/', mounts: [], env: [['PATH', '/bin']], executable: '/bin/sh', argv: ['-c', script], ...overrides };
}

describe.each<LinuxNamespaceBackend>(['privileged', 'rootlessUser'])('runContainer (%s)', (backend) => {
  const run = (command: ContainerRunCommand) => runContainer(command, { runtimeRootPrefix: prefix, backend });

  it('gives the command exactly the given environment: a host variable is absent', async () => {
    process.env.METALOR_TEST_HOST_SECRET = 'leaked';
    try {
      const result = await run({ ...sh(''), executable: '/bin/env', argv: [], env: [['PATH', '/bin'], ['GREETING', 'hello world'], ['EMPTY', '']] });
      expect(result).toMatchObject({ exitCode: 0, signal: null, reason: 'exited', result: null });
      expect(result.stdout.trim().split('\n').sort()).toEqual(['EMPTY=', 'GREETING=hello world', 'PATH=/bin']);
    } finally {
      delete process.env.METALOR_TEST_HOST_SECRET;
    }
  });

  it('keeps keys that are not shell names (env -i path)', async () => {
    const result = await run({ ...sh(''), executable: '/bin/env', argv: [], env: [['odd.key-name', 'v'], ['PATH', '/bin']] });
    expect(result.stdout.trim().split('\n').sort()).toEqual(['PATH=/bin', 'odd.key-name=v']);
  });

  it('honours cwd and runs a bare executable name from the cell PATH', async () => {
    await mkdir(path.join(root, 'srv', 'here'), { recursive: true });
    const result = await run({ ...sh(''), cwd: '/srv/here', executable: 'pwd', argv: [] });
    expect(result.stdout).toBe('/srv/here\n');
  });

  it('binds read-write and read-only mounts, a file mount, proc, /dev nodes and resolv.conf', async () => {
    const rw = path.join(prefix, `rw-${backend}`);
    const ro = path.join(prefix, `ro-${backend}`);
    await mkdir(rw, { recursive: true });
    await mkdir(ro, { recursive: true });
    await writeFile(path.join(ro, 'in.txt'), 'read me');
    const file = path.join(prefix, `single-${backend}.txt`);
    await writeFile(file, 'single');
    const result = await run(sh(
      'echo out > /mnt/rw/out.txt; cat /mnt/ro/in.txt; echo; if (echo x > /mnt/ro/x) 2>/dev/null; then echo ro-writable; fi;' +
        ' cat /opt/single.txt; echo; head -c 4 /dev/zero | wc -c; head -c 4 /dev/urandom | wc -c; echo $$ > /dev/null && echo null-ok;' +
        ' cat /etc/resolv.conf | md5sum; ls /proc/self/ns >/dev/null && echo proc-ok',
      {
        mounts: [
          { source: rw, destination: '/mnt/rw', readOnly: false },
          { source: ro, destination: '/mnt/ro', readOnly: true },
          { source: file, destination: '/opt/single.txt', readOnly: true },
        ],
      },
    ));
    const resolvSum = (await execa('md5sum', { input: await readFile('/etc/resolv.conf') })).stdout;
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')).toEqual(['read me', 'single', '4', '4', 'null-ok', resolvSum, 'proc-ok', '']);
    expect(await readFile(path.join(rw, 'out.txt'), 'utf8')).toBe('out\n');
  });

  it('network: disabled leaves only lo and binds no resolv.conf', async () => {
    const probe = sh('ip -o link | cut -d: -f2 | tr -d " "; test -s /etc/resolv.conf && echo resolv; true');
    const offline = await runContainer(probe, { runtimeRootPrefix: prefix, backend, network: 'disabled' });
    expect(offline.stdout).toBe('lo\n');
    const online = await run(probe);
    expect(online.stdout.split('\n')).toContain('resolv');
    expect(online.stdout.split('\n').length).toBeGreaterThan(3);
  });

  it('runs in private pid, uts and ipc namespaces as uid 0 of the cell', async () => {
    const result = await run(sh('echo $$; id -u; hostname cell-host && hostname; ps -o pid | wc -l'));
    const [pid, uid, hostname] = result.stdout.split('\n');
    expect(Number(pid)).toBeLessThan(10);
    expect(uid).toBe('0');
    expect(hostname).toBe('cell-host');
    expect((await execa('hostname')).stdout).not.toBe('cell-host');
  });

  it('reports exit codes and the signal that ended the command', async () => {
    expect(await run(sh('exit 7'))).toMatchObject({ exitCode: 7, signal: null, reason: 'exited' });
    expect(await run(sh('kill -TERM $$'))).toMatchObject({ exitCode: null, signal: 'SIGTERM', reason: 'exited' });
    expect(await run(sh('', { executable: '/bin/does-not-exist', argv: [] }))).toMatchObject({ exitCode: 127 });
  });

  it('delivers output as strings or as line callbacks', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const result = await runContainer(sh('echo one; echo two; echo bad >&2; printf last'), {
      runtimeRootPrefix: prefix,
      backend,
      stdio: { stdout: (line) => out.push(line), stderr: (line) => err.push(line) },
    });
    expect(result).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    expect(out).toEqual(['one', 'two', 'last']);
    expect(err).toEqual(['bad']);
    expect((await run(sh('echo a; echo b >&2'))).stderr).toBe('b\n');
  });
});

describe('stdio: inherit', () => {
  it('passes the cell output straight to the caller stdout', async () => {
    const script = `
      import { runContainer } from ${JSON.stringify(path.resolve('src/index.ts'))};
      const r = await runContainer({ root: ${JSON.stringify(root)}, cwd: '/', mounts: [], env: [], executable: '/bin/echo', argv: ['inherited'] },
        { runtimeRootPrefix: ${JSON.stringify(prefix)}, stdio: 'inherit' });
      console.log(JSON.stringify(r));`;
    const file = path.join(prefix, 'inherit.mts');
    await writeFile(file, script);
    const child = await execa(process.execPath, ['--import', import.meta.resolve('tsx/esm'), '--conditions=@metalor/source', file]);
    const [line, json] = child.stdout.split('\n');
    expect(line).toBe('inherited');
    expect(JSON.parse(json ?? '')).toMatchObject({ exitCode: 0, stdout: '' });
  });
});

describe('the Node inner API behind an unshare plan', () => {
  it('runIsolatedContainerCommand runs the command inside the namespaces', async () => {
    const plan = await buildUnshareReexecCommand(nodeInnerEntry(), prefix, sh('echo inside $$; exit 4'));
    const result = await execa(plan.file, plan.args, { env: plan.env, reject: false });
    expect(result.stdout).toMatch(/^inside \d+$/);
    expect(result.stderr).toContain('inner-entry: ERR_METALOR_COMMAND_FAILED exitCode=4 signal=undefined');
  });

  it('carries the signal that killed the command', async () => {
    const plan = await buildUnshareReexecCommand(nodeInnerEntry(), prefix, sh('kill -KILL $$'));
    const result = await execa(plan.file, plan.args, { env: plan.env, reject: false });
    expect(result.stderr).toContain('ERR_METALOR_COMMAND_FAILED exitCode=undefined signal=SIGKILL');
  });

  it('refuses to run in the host mount namespace', async () => {
    const plan = await buildUnshareReexecCommand(linuxRunnerEntry(), prefix, sh('echo should-not-run'));
    const saved = { ...process.env };
    Object.assign(process.env, plan.env);
    try {
      await expect(runIsolatedContainerCommand(sh('echo should-not-run'))).rejects.toMatchObject({ code: 'ERR_METALOR_SAME_MOUNT_NAMESPACE' });
      delete process.env.METALOR_PRIVATE_NS;
      await expect(runIsolatedContainerCommand(sh('echo should-not-run'))).rejects.toMatchObject({ code: 'ERR_METALOR_NOT_PRIVATE_NAMESPACE' });
    } finally {
      process.env = saved;
    }
    const direct = await execa(plan.args[plan.args.indexOf('--') + 1] as string, plan.args.slice(plan.args.indexOf('--') + 2), { env: plan.env, reject: false });
    expect(direct.exitCode).toBe(125);
    expect(direct.stdout).toBe('');
    expect(direct.stderr).toContain('ERR_METALOR_SAME_MOUNT_NAMESPACE');
  });
});
