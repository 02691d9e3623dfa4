import { execa } from 'execa';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildCellSpec } from '@metalor/cell-spec';
import { buildCellReexecCommand, finalizeBuildCell, linuxRunnerEntry, runCell, type LinuxNamespaceBackend } from '../src/index.js';
import { busyboxRoot, hostMountsMentioning, listOrNull, makePrefix, nodeInnerEntry, processesWith, removePrefix } from './support/cell-host.js';

let prefix: string;
let host: string;
let root: string;

beforeAll(async () => {
  prefix = await makePrefix('cell');
  host = await makePrefix('cell-host');
  root = await busyboxRoot(prefix);
});
afterAll(async () => {
  expect(await hostMountsMentioning(prefix)).toEqual([]);
  await removePrefix(prefix);
  await removePrefix(host);
});

let counter = 0;
function spec(overrides: Partial<BuildCellSpec> = {}): BuildCellSpec {
  counter += 1;
  return {
    root,
    scratch: path.join(prefix, `scratch-${counter}`),
    workspacePath: '/workspace',
    workspaceSeed: { kind: 'empty' },
    imports: [],
    caches: [],
    exports: [],
    command: { cwd: '/workspace', executable: '/bin/sh', argv: ['-c', 'true'] },
    env: [['PATH', '/bin']],
    network: 'enabled',
    limits: {},
    cleanup: 'always',
    ...overrides,
  };
}

const script = (text: string, cwd = '/workspace') => ({ cwd, executable: '/bin/sh', argv: ['-c', text] });

async function seedInputs(name: string) {
  const dir = path.join(host, name);
  await mkdir(path.join(dir, 'seed', 'src'), { recursive: true });
  await writeFile(path.join(dir, 'seed', 'src', 'main.txt'), 'main\n');
  await writeFile(path.join(dir, 'lib.txt'), 'library\n');
  await mkdir(path.join(dir, 'cache'));
  await writeFile(path.join(dir, 'cache', 'count'), '1\n');
  return dir;
}

const BUILD = [
  'set -e',
  'cat src/main.txt vendor/lib.txt > out.txt',
  'n=$(cat /cache/count); echo $((n + 1)) > /cache/count',
  'mkdir -p dist && cp out.txt dist/a.txt && echo b > dist/b.txt',
  'echo from-root > /etc/built-by-cell',
].join('; ');

describe.each<LinuxNamespaceBackend>(['privileged', 'rootlessUser'])('runCell end to end (%s)', (backend) => {
  it('snapshot seed, file import nested in the workspace, cache updated, exports from workspace, import, cache and root', async () => {
    const inputs = await seedInputs(`snapshot-${backend}`);
    const out = path.join(inputs, 'out');
    const cell = spec({
      workspaceSeed: { kind: 'snapshotDir', path: path.join(inputs, 'seed') },
      imports: [{ source: path.join(inputs, 'lib.txt'), destination: '/workspace/vendor/lib.txt' }],
      caches: [{ source: path.join(inputs, 'cache'), destination: '/cache' }],
      exports: [
        { source: '/workspace/out.txt', destination: path.join(out, 'out.txt') },
        { source: '/workspace/dist', destination: path.join(out, 'dist') },
        { source: '/workspace/vendor/lib.txt', destination: path.join(out, 'from-import.txt') },
        { source: '/cache/count', destination: path.join(out, 'from-cache.txt') },
        { source: '/etc/built-by-cell', destination: path.join(out, 'from-root.txt') },
      ],
      command: script(BUILD),
    });
    const result = await runCell(cell, { runtimeRootPrefix: prefix, backend });
    expect(result).toMatchObject({ exitCode: 0, signal: null, reason: 'exited', result: { scratchPreserved: false }, stderr: '' });
    expect(await readFile(path.join(out, 'out.txt'), 'utf8')).toBe('main\nlibrary\n');
    expect((await readdir(path.join(out, 'dist'))).sort()).toEqual(['a.txt', 'b.txt']);
    expect(await readFile(path.join(out, 'from-import.txt'), 'utf8')).toBe('library\n');
    expect(await readFile(path.join(out, 'from-cache.txt'), 'utf8')).toBe('2\n');
    expect(await readFile(path.join(out, 'from-root.txt'), 'utf8')).toBe('from-root\n');
    expect(await readFile(path.join(inputs, 'cache', 'count'), 'utf8')).toBe('2\n');
    expect(await listOrNull(cell.scratch)).toBeNull();
    expect(await readFile(path.join(inputs, 'seed', 'src', 'main.txt'), 'utf8')).toBe('main\n');
    // The cache was synced back, so a second run sees 2 and leaves 3.
    await runCell({ ...cell, scratch: `${cell.scratch}-again`, exports: [] }, { runtimeRootPrefix: prefix, backend });
    expect(await readFile(path.join(inputs, 'cache', 'count'), 'utf8')).toBe('3\n');
  });

  it('archive seed (.tar.gz) unpacked into the workspace', async () => {
    const inputs = await seedInputs(`archive-${backend}`);
    const archive = path.join(inputs, 'seed.tar.gz');
    await tar.c({ gzip: true, file: archive, cwd: path.join(inputs, 'seed') }, ['src']);
    const out = path.join(inputs, 'out', 'listing.txt');
    const result = await runCell(spec({
      workspaceSeed: { kind: 'archive', path: archive },
      exports: [{ source: '/workspace/listing.txt', destination: out }],
      command: script('find src -type f | sort > listing.txt; cat src/main.txt'),
    }), { runtimeRootPrefix: prefix, backend });
    expect(result.stdout).toBe('main\n');
    expect(await readFile(out, 'utf8')).toBe('src/main.txt\n');
  });

  it('a disabled network shows only lo and binds no resolv.conf; enabled shows the host links', async () => {
    const off = await runCell(spec({ network: 'disabled', command: script('ip -o link | cut -d: -f2 | tr -d " "; test -s /etc/resolv.conf && echo resolv') }), { runtimeRootPrefix: prefix, backend });
    expect(off.stdout).toBe('lo\n');
    const on = await runCell(spec({ command: script('test -s /etc/resolv.conf && echo resolv; ip -o link | wc -l') }), { runtimeRootPrefix: prefix, backend });
    const hostLinks = (await execa('ip', ['-o', 'link'])).stdout.split('\n').length;
    expect(on.stdout).toBe(`resolv\n${hostLinks}\n`);
  });
});

describe('the crate flow by hand: plan, spawn, finalize', () => {
  it.each([
    ['the shipped sh runner', () => linuxRunnerEntry()],
    ['a Node entry calling runBuildCell on the request', () => nodeInnerEntry()],
  ])('%s', async (_name, entry) => {
    const inputs = await seedInputs(`by-hand-${counter}`);
    const out = path.join(inputs, 'out.txt');
    const cell = spec({
      workspaceSeed: { kind: 'snapshotDir', path: path.join(inputs, 'seed') },
      imports: [{ source: path.join(inputs, 'lib.txt'), destination: '/workspace/vendor/lib.txt' }],
      caches: [{ source: path.join(inputs, 'cache'), destination: '/cache' }],
      exports: [{ source: '/workspace/out.txt', destination: out }],
      network: 'disabled',
      command: script('cat src/main.txt vendor/lib.txt > out.txt; echo 5 > /cache/count; ip -o link | wc -l'),
    });
    const plan = await buildCellReexecCommand(entry(), prefix, cell, 'rootlessUser');
    const child = await execa(plan.file, plan.args, { env: plan.env, reject: false });
    expect([child.exitCode, child.stdout]).toEqual([0, '1']);
    expect(await finalizeBuildCell(cell, child.exitCode === 0)).toEqual({ scratchPreserved: false });
    expect(await readFile(out, 'utf8')).toBe('main\nlibrary\n');
    expect(await readFile(path.join(inputs, 'cache', 'count'), 'utf8')).toBe('5\n');
  });

  it('the sh runner refuses a request without its runner arguments file', async () => {
    const cell = spec();
    const plan = await buildCellReexecCommand(linuxRunnerEntry(), prefix, cell);
    await rm(path.join(cell.scratch, 'build-cell-runner-args.sh'));
    const child = await execa(plan.file, plan.args, { env: plan.env, reject: false });
    expect(child.exitCode).toBe(125);
    expect(child.stderr).toContain('ERR_METALOR_REQUEST_INVALID');
  });
});

describe('runCell results and cleanup', () => {
  it('a missing export is an error after success and ignored after failure; cleanup policies keep scratch as asked', async () => {
    const missing = [{ source: '/workspace/never.txt', destination: path.join(host, 'never.txt') }];
    const okCell = spec({ exports: missing, cleanup: 'preserveOnFailure' });
    await expect(runCell(okCell, { runtimeRootPrefix: prefix })).rejects.toMatchObject({ code: 'ERR_METALOR_EXPORT_MISSING' });
    expect(await listOrNull(okCell.scratch)).not.toBeNull();
    const failed = await runCell(spec({ exports: missing, command: script('exit 3'), cleanup: 'preserveOnFailure' }), { runtimeRootPrefix: prefix });
    expect(failed).toMatchObject({ exitCode: 3, result: { scratchPreserved: true } });
    const never = spec({ cleanup: 'never' });
    expect((await runCell(never, { runtimeRootPrefix: prefix })).result).toEqual({ scratchPreserved: true });
    expect(await listOrNull(path.join(never.scratch, 'workspace'))).toEqual([]);
    const always = spec({ command: script('exit 1'), cleanup: 'always' });
    expect((await runCell(always, { runtimeRootPrefix: prefix })).result).toEqual({ scratchPreserved: false });
    expect(await listOrNull(always.scratch)).toBeNull();
  });

  it('an export replaces an existing destination whole', async () => {
    const dest = path.join(host, 'replace-me');
    await mkdir(dest, { recursive: true });
    await writeFile(path.join(dest, 'stale.txt'), 'old');
    await runCell(spec({ exports: [{ source: '/workspace/d', destination: dest }], command: script('mkdir d; echo new > d/fresh.txt') }), { runtimeRootPrefix: prefix });
    expect(await readdir(dest)).toEqual(['fresh.txt']);
    expect((await readdir(host)).filter((name) => name.includes('.metalor-'))).toEqual([]);
  });
});

describe('limits, with the caller running as root', () => {
  it('the caller is root (the point of these tests)', () => {
    expect(process.getuid?.()).toBe(0);
  });

  it('cpuTimeSeconds kills a CPU spinner', async () => {
    const started = Date.now();
    const result = await runCell(spec({ limits: { cpuTimeSeconds: 1 }, command: script('while :; do :; done') }), { runtimeRootPrefix: prefix, timeoutMs: 20_000 });
    expect(result.reason).toBe('exited');
    expect(['SIGKILL', 'SIGXCPU']).toContain(result.signal);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('memoryBytes makes a large allocation fail', async () => {
    const allocate = script('dd if=/dev/zero of=/dev/null bs=256M count=1 && echo allocated');
    const limited = await runCell(spec({ limits: { memoryBytes: 64 * 1024 * 1024 }, command: allocate }), { runtimeRootPrefix: prefix });
    expect(limited.exitCode).not.toBe(0);
    expect(limited.stdout).toBe('');
    expect(limited.stderr).toMatch(/memory|alloc/i);
    const unlimited = await runCell(spec({ command: allocate }), { runtimeRootPrefix: prefix });
    expect(unlimited).toMatchObject({ exitCode: 0, stdout: 'allocated\n' });
  });

  it.each<LinuxNamespaceBackend>(['privileged', 'rootlessUser'])('maxProcesses contains a fork bomb (%s) and its cgroup is removed', async (backend) => {
    const bomb = script('i=0; trap \'echo reached $i\' EXIT; while [ $i -lt 400 ]; do sleep 30 & i=$((i + 1)); done');
    const result = await runCell(spec({ limits: { maxProcesses: 16 }, command: bomb }), { runtimeRootPrefix: prefix, backend, timeoutMs: 30_000 });
    expect(result.reason).toBe('exited');
    expect(result.exitCode).not.toBe(0);
    const reached = Number(/reached (\d+)/.exec(result.stdout)?.[1]);
    expect(reached).toBeGreaterThan(5);
    expect(reached).toBeLessThan(16);
    expect(result.stderr).toMatch(/fork/i);
    const leftovers = (await readdir('/sys/fs/cgroup/pids')).filter((name) => name.startsWith(`metalor-${process.pid}-`));
    expect(leftovers).toEqual([]);
  });
});

describe('a real fork bomb', () => {
  it('is held by maxProcesses and everything it forked dies with the cell', async () => {
    const tag = `bomb${Date.now()}`;
    // Started in the background, so the outer shell forks once, before the bomb: ash forks each side of
    // `a | b &` itself, and a second fork that meets the full pids cgroup would end it with "can't fork".
    const bomb = script(`${tag}() { ${tag} | ${tag} & }; ${tag} 2>/dev/null & i=0; while [ $i -lt 300000 ]; do i=$((i + 1)); done; echo survived`);
    const result = await runCell(spec({ limits: { maxProcesses: 32 }, command: bomb }), { runtimeRootPrefix: prefix, backend: 'privileged', timeoutMs: 60_000 });
    expect(result).toMatchObject({ reason: 'exited', exitCode: 0, stdout: 'survived\n' });
    expect(processesWith(tag)).toEqual([]);
  });
});

describe.each<LinuxNamespaceBackend>(['privileged', 'rootlessUser'])('timeout and abort kill the whole cell (%s)', (backend) => {
  const marker = (tag: string) => String(900_000 + Math.floor(Math.random() * 99_999)) + tag.length;
  const stubborn = (seconds: string) =>
    script(`trap "" TERM; (trap "" TERM; sleep ${seconds}) & (trap "" TERM; sleep ${seconds} & wait) & sleep ${seconds} & echo started; wait`);

  it('timeoutMs', async () => {
    const seconds = marker('timeout');
    const cell = spec({ command: stubborn(seconds), cleanup: 'preserveOnFailure' });
    const result = await runCell(cell, { runtimeRootPrefix: prefix, backend, timeoutMs: 1500 });
    expect(result).toMatchObject({ reason: 'timeout', exitCode: null, signal: 'SIGKILL', stdout: 'started\n', result: { scratchPreserved: true } });
    expect(processesWith(`sleep ${seconds}`)).toEqual([]);
    expect(await hostMountsMentioning(prefix)).toEqual([]);
  });

  it('an AbortSignal, once the command has started', async () => {
    const seconds = marker('abort');
    const controller = new AbortController();
    const result = await runCell(spec({ command: stubborn(seconds) }), {
      runtimeRootPrefix: prefix,
      backend,
      signal: controller.signal,
      stdio: { stdout: (line) => line === 'started' && setTimeout(() => controller.abort(), 200) },
    });
    expect(result).toMatchObject({ reason: 'aborted', exitCode: null, signal: 'SIGKILL' });
    expect(processesWith(`sleep ${seconds}`)).toEqual([]);
    expect(await hostMountsMentioning(prefix)).toEqual([]);
  });

  it('an already aborted signal', async () => {
    const result = await runCell(spec({ command: script('echo never') }), { runtimeRootPrefix: prefix, backend, signal: AbortSignal.abort() });
    expect(result).toMatchObject({ reason: 'aborted', exitCode: null, signal: null, stdout: '', result: { scratchPreserved: false } });
  });
});
