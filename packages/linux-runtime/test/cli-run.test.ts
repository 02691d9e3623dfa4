// The metalor bin end to end: real processes, real namespaces, locally built busybox images.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareOciRootfs } from '../src/index.js';
import { runCli } from '../src/cli/main.js';
import { RUN_USAGE } from '../src/cli/usage.js';
import { ensureTestImages, type TestImages } from './oci/images.js';

const BIN = fileURLToPath(new URL('../src/cli/bin.ts', import.meta.url));
const TSX = createRequire(import.meta.url).resolve('tsx');
let images: TestImages;
let work: string;
let state: string;

/** The real bin, from source, on the Node running the tests. */
function metalor(args: string[], options: { env?: Record<string, string>; cwd?: string; input?: string } = {}) {
  return execa(process.execPath, ['--import', TSX, '--conditions=@metalor/source', BIN, ...args], {
    reject: false, env: { ...options.env }, cwd: options.cwd ?? work,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
  });
}
/** True while some process's command line contains `needle` (NUL-separated arguments). */
function processesRunning(needle: string): boolean {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).some((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(needle);
    } catch {
      return false;
    }
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs}ms: ${condition.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const run = (...args: string[]) => metalor(['run', '--state-dir', state, ...args]);

beforeAll(() => {
  images = ensureTestImages();
  work = mkdtempSync(path.join(tmpdir(), 'metalor-cli-'));
  state = path.join(work, 'state');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('metalor run', () => {
  it('runs the command in the image and exits with its status; quiet when piped', async () => {
    const result = await run('--image', images.amd64, '--', 'sh', '-c', 'echo "hi from $(uname -m) in $(pwd)"; exit 7');
    expect(result.stdout).toBe('hi from x86_64 in /');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(7);
    expect(readdirSync(path.join(state, 'runs'))).toEqual([]);
  });

  it('gives the image environment plus --env, --cwd, and read-only or writable --mount', async () => {
    const data = path.join(work, 'data');
    const out = path.join(work, 'out');
    mkdirSync(data);
    mkdirSync(out);
    writeFileSync(path.join(data, 'in.txt'), 'input\n');
    const result = await run('--image', images.amd64, '--env', 'GREETING=hello', '--mount', `${data}:/data:ro`,
      '--mount', 'out:/out', '--cwd', '/data', '--',
      'sh', '-c', 'cat in.txt; echo "$GREETING $PATH"; touch /data/x 2>/dev/null && echo writable; pwd > /out/where');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('input\nhello /bin');
    expect(readFileSync(path.join(out, 'where'), 'utf8')).toBe('/data\n');
  });

  it('shows image preparation progress on a terminal, in process', async () => {
    let progress = '';
    const status = await runCli(['run', '--state-dir', path.join(work, 'tty-state'), '--image', images.amd64, '--', 'true'], {
      stdout: process.stdout, stderr: { write: (t: string) => (progress += t), isTTY: true }, env: {}, cwd: work,
    });
    expect(status).toBe(0);
    expect(progress).toMatch(/^metalor: copying oci:\S+ \(skopeo\)\.\.\.\nmetalor: unpacking the image \(umoci\)\.\.\.\nmetalor: root filesystem ready in \d+\.\d\ds\n$/);
  });

  it('--network off leaves only the loopback interface', async () => {
    const result = await run('--image', images.amd64, '--network', 'off', '--', 'sh', '-c', "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '");
    expect(result).toMatchObject({ exitCode: 0, stdout: 'lo' });
    const online = await run('--image', images.amd64, '--', 'sh', '-c', "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort");
    expect(online.stdout.split('\n').length).toBeGreaterThan(1);
  });

  it('--arch arm64 runs the arm64 image under qemu', async () => {
    const result = await run('--image', images.multi, '--arch', 'arm64', '--', 'uname', '-m');
    expect(result).toMatchObject({ exitCode: 0, stdout: 'aarch64' });
  });

  it('reports a signal as 128+N and a --timeout as 124, killing the cell', async () => {
    expect((await run('--image', images.amd64, '--', 'sh', '-c', 'kill -TERM $$')).exitCode).toBe(143);
    const started = Date.now();
    const slow = await run('--image', images.amd64, '--timeout', '1', '--', 'sleep', '30');
    expect(slow.exitCode).toBe(124);
    expect(slow.stderr).toContain('metalor: the cell ran longer than 1s and was killed');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('on SIGINT kills the whole cell, removes its root and exits 130', async () => {
    const marker = path.join(work, 'interrupt');
    mkdirSync(marker);
    const child = metalor(['run', '--state-dir', state, '--image', images.amd64, '--mount', `${marker}:/m`, '--',
      'sh', '-c', 'touch /m/started; sleep 97.25']);
    const sleeping = ['sleep', '97.25'].join('\0');
    await waitFor(() => existsSync(path.join(marker, 'started')) && processesRunning(sleeping));
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain('metalor: interrupted; the cell was killed');
    expect(readdirSync(path.join(state, 'runs'))).toEqual([]);
    expect(processesRunning(sleeping)).toBe(false);
  });

  it('answers bad arguments with the usage and status 2, and a bad image with 125', async () => {
    const bad = await run('--image', images.amd64, '--mount', 'nocolon');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe(`metalor: invalid --mount "nocolon": expected SRC:DST or SRC:DST:ro (or :rw)\n\n${RUN_USAGE.trimEnd()}`);
    const missing = await run('--image', `oci:${path.join(work, 'no-such-layout')}:x`, '--', 'true');
    expect(missing.exitCode).toBe(125);
    expect(missing.stderr).toMatch(/^metalor: ERR_METALOR_TOOL_FAILED: .*no-such-layout/);
    expect(readdirSync(path.join(state, 'runs'))).toEqual([]);
  });

  it('runs for a non-root user through the rootless backend', async () => {
    if (process.getuid?.() !== 0) throw new Error('this test switches to uid 65534 with setpriv and needs root (CI runs as root)');
    const home = mkdtempSync(path.join(tmpdir(), 'metalor-cli-nobody-'));
    try {
      // umoci writes its layout 0600: the user gets a copy of its own.
      cpSync(images.layout, path.join(home, 'layout'), { recursive: true });
      await execa('chown', ['-R', '65534:65534', home]);
      const result = await execa('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups',
        process.execPath, '--import', TSX, '--conditions=@metalor/source', BIN, 'run',
        '--image', `oci:${path.join(home, 'layout')}:busybox-amd64`, '--', 'sh', '-c', 'echo "uid $(id -u) in the cell"'],
      { reject: false, stdin: 'ignore', env: { HOME: home, XDG_CACHE_HOME: '', PATH: process.env.PATH ?? '/usr/bin:/bin' }, extendEnv: false });
      expect(result.stderr).toBe('');
      expect(result).toMatchObject({ exitCode: 0, stdout: 'uid 0 in the cell' });
      // The default state directory of a non-root user, in its home.
      expect(readdirSync(path.join(home, '.cache', 'metalor')).sort()).toEqual(['oci-cache', 'runs']);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('takes the state directory from METALOR_STATE_DIR', async () => {
    const other = path.join(work, 'env-state');
    const result = await metalor(['run', '--image', images.amd64, '--', 'true'], { env: { METALOR_STATE_DIR: other } });
    expect(result.exitCode).toBe(0);
    expect(readdirSync(other).sort()).toEqual(['oci-cache', 'runs']);
  });

  it('passes its stdin to the command', async () => {
    const result = await metalor(['run', '--state-dir', state, '--image', images.amd64, '--', 'cat'], { input: 'piped in\n' });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'piped in' });
  });

  it('without a command runs the image default (/bin/sh) with this stdin', async () => {
    const result = await metalor(['run', '--state-dir', state, '--image', images.amd64], { input: 'echo "default command, $0"; exit 4\n' });
    expect(result).toMatchObject({ exitCode: 4, stdout: 'default command, /bin/sh' });
  });
});

describe('metalor cell', () => {
  it('runs a request in the Rust crate wire format and prints the result', async () => {
    const root = await prepareOciRootfs(images.amd64, state, path.join(state, 'cell-package'), { cacheRoot: path.join(state, 'oci-cache') });
    const seed = path.join(work, 'seed');
    const imported = path.join(work, 'import');
    const cache = path.join(work, 'cache');
    mkdirSync(seed);
    mkdirSync(imported);
    writeFileSync(path.join(seed, 'main.txt'), 'main');
    writeFileSync(path.join(imported, 'lib.txt'), 'lib');
    const exported = path.join(work, 'exported');
    // Written by hand as the crate's serde writes it: snake_case keys, enum spellings.
    const request = {
      root, scratch: path.join(state, 'cell-scratch'), workspace_path: '/work',
      workspace_seed: { SnapshotDir: seed },
      imports: [{ source: imported, destination: '/deps' }],
      caches: [{ source: cache, destination: '/cache' }],
      exports: [{ source: '/work/out', destination: exported }],
      command: { cwd: '/work', executable: '/bin/sh', argv: ['-c', 'mkdir out; cat main.txt /deps/lib.txt > out/result; echo run >> /cache/log; echo built'] },
      env: [['PATH', '/bin']], network: 'Disabled',
      limits: { cpu_time_seconds: null, memory_bytes: null, max_processes: null }, cleanup: 'Always',
    };
    const file = path.join(work, 'request.json');
    writeFileSync(file, JSON.stringify(request, null, 2));
    const result = await metalor(['cell', '--state-dir', state, 'request.json']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('built\n{"exitCode":0,"signal":null,"reason":"exited","scratchPreserved":false}');
    expect(readFileSync(path.join(exported, 'result'), 'utf8')).toBe('mainlib');
    expect(readFileSync(path.join(cache, 'log'), 'utf8')).toBe('run\n');

    request.command.argv = ['-c', 'exit 5'];
    request.cleanup = 'PreserveOnFailure';
    writeFileSync(file, JSON.stringify(request));
    const failed = await metalor(['cell', '--state-dir', state, file]);
    expect(failed.exitCode).toBe(5);
    expect(failed.stdout).toBe('{"exitCode":5,"signal":null,"reason":"exited","scratchPreserved":true}');
  });

  it('names the bad field of an invalid request and exits 125', async () => {
    const file = path.join(work, 'bad-request.json');
    writeFileSync(file, JSON.stringify({ root: '/r', scratch: '/s', workspace_path: 'relative', workspace_seed: 'Empty', command: { cwd: '/', executable: 'sh' } }));
    const result = await metalor(['cell', '--state-dir', state, file]);
    expect(result.exitCode).toBe(125);
    expect(result.stderr).toMatch(/^metalor: ERR_METALOR_\w+: .*workspace/);
  });
});
