import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LinuxRuntimeError } from '../src/errors.js';
import { parseCliArgs, usageOf } from '../src/cli/parse-args.js';
import { resolveStateDirs } from '../src/cli/state-dirs.js';
import { CELL_USAGE, MAIN_USAGE, PROBE_USAGE, RUN_USAGE } from '../src/cli/usage.js';

const context = { cwd: '/work/here', env: { HOME: '/home/me', SECRET: 's3' } };
const parse = (...argv: string[]) => parseCliArgs(argv, context);

function usageFailure(argv: string[]): LinuxRuntimeError & { usage?: string } {
  try {
    parse(...argv);
  } catch (error) {
    expect(error).toBeInstanceOf(LinuxRuntimeError);
    expect((error as LinuxRuntimeError).code).toBe('ERR_METALOR_CLI_USAGE');
    return error as LinuxRuntimeError;
  }
  throw new Error(`expected a usage error for ${JSON.stringify(argv)}`);
}

describe('metalor run arguments', () => {
  it('parses every option and keeps the command after -- untouched', () => {
    const command = parse('run', '--image', 'oci:/img:tag', '--arch', 'arm64', '--network', 'off',
      '--mount', 'data:/data:ro', '--mount', '/abs:/w', '--env', 'A=1=2', '--env', 'SECRET', '--cwd', '/w',
      '--timeout', '1.5', '--state-dir', '/s', '--cache-dir', '/c', '--rootless', '-q', '--', 'sh', '-c', 'echo --image');
    expect(command).toEqual({
      kind: 'run', image: 'oci:/img:tag', arch: 'arm64', network: 'disabled',
      mounts: [
        { source: '/work/here/data', destination: '/data', readOnly: true },
        { source: '/abs', destination: '/w', readOnly: false },
      ],
      env: [['A', '1=2'], ['SECRET', 's3']], cwd: '/w', timeoutMs: 1500,
      argv: ['sh', '-c', 'echo --image'],
      common: { stateDir: '/s', cacheDir: '/c', rootless: true, quiet: true },
    });
  });

  it('takes the command from the first positional, its own options included, like other runners', () => {
    const command = parse('run', '--image', 'busybox', 'ls', '-la', '--image', 'x');
    expect(command).toMatchObject({ kind: 'run', image: 'busybox', argv: ['ls', '-la', '--image', 'x'], network: 'enabled' });
  });

  it('allows no command (the image default runs) and defaults network on', () => {
    expect(parse('run', '--image=busybox')).toMatchObject({ argv: [], network: 'enabled', mounts: [], env: [] });
  });

  it.each([
    [['run'], /missing --image/],
    [['run', '--image', ''], /missing --image/],
    [['run', '--image', 'x', '--network', 'none'], /invalid --network "none": expected on or off/],
    [['run', '--image', 'x', '--mount', '/a'], /invalid --mount "\/a": expected SRC:DST/],
    [['run', '--image', 'x', '--mount', '/a:/b:rx'], /invalid --mount "\/a:\/b:rx"/],
    [['run', '--image', 'x', '--mount', '/a:b'], /invalid --mount destination "b": expected an absolute cell path/],
    [['run', '--image', 'x', '--env', '=v'], /invalid --env "=v"/],
    [['run', '--image', 'x', '--env', 'UNSET_HERE'], /UNSET_HERE is not set in this environment/],
    [['run', '--image', 'x', '--cwd', 'rel'], /invalid --cwd "rel"/],
    [['run', '--image', 'x', '--timeout', '0'], /invalid --timeout "0"/],
    [['run', '--image', 'x', '--timeout=-1'], /invalid --timeout "-1"/],
    [['run', '--image', 'x', '--bogus'], /Unknown option '--bogus'/],
    [['run', '--image'], /--image/],
  ])('refuses %j', (argv, message) => {
    const error = usageFailure(argv as string[]);
    expect(error.message).toMatch(message);
    expect(usageOf(error)).toBe(RUN_USAGE);
  });
});

describe('metalor cell and probe arguments', () => {
  it('resolves the request path against the cwd', () => {
    expect(parse('cell', 'req.json', '--timeout', '3')).toEqual({
      kind: 'cell', requestPath: '/work/here/req.json', timeoutMs: 3000, common: { rootless: false, quiet: false },
    });
  });

  it.each([[['cell']], [['cell', 'a.json', 'b.json']], [['cell', '--json', 'a.json']]])('cell refuses %j', (argv) => {
    expect(usageOf(usageFailure(argv))).toBe(CELL_USAGE);
  });

  it('probe takes --json and nothing else', () => {
    expect(parse('probe', '--json')).toEqual({ kind: 'probe', json: true });
    expect(usageOf(usageFailure(['probe', 'extra']))).toBe(PROBE_USAGE);
  });

  it('refuses a missing or unknown command with the main usage', () => {
    expect(usageOf(usageFailure([]))).toBe(MAIN_USAGE);
    expect(usageFailure(['build']).message).toBe('unknown command "build": expected run, cell or probe');
  });
});

describe('state directories', () => {
  const base = { env: {}, uid: 1000, homedir: '/home/me', cwd: '/cwd' };

  it('defaults to /var/tmp/metalor for root and the XDG cache for others', () => {
    expect(resolveStateDirs({ ...base, uid: 0 })).toEqual({ stateDir: '/var/tmp/metalor', cacheDir: '/var/tmp/metalor/oci-cache' });
    expect(resolveStateDirs(base).stateDir).toBe('/home/me/.cache/metalor');
    expect(resolveStateDirs({ ...base, env: { XDG_CACHE_HOME: '/xdg' } }).stateDir).toBe('/xdg/metalor');
    expect(resolveStateDirs({ ...base, env: { XDG_CACHE_HOME: 'relative' } }).stateDir).toBe('/home/me/.cache/metalor');
  });

  it('takes flags over the environment, and relative values from the cwd', () => {
    const env = { METALOR_STATE_DIR: '/env-state', METALOR_CACHE_DIR: 'env-cache' };
    expect(resolveStateDirs({ ...base, env })).toEqual({ stateDir: '/env-state', cacheDir: path.join('/cwd', 'env-cache') });
    expect(resolveStateDirs({ ...base, env, stateDir: 'flag', cacheDir: '/c' })).toEqual({ stateDir: '/cwd/flag', cacheDir: '/c' });
  });

  it('refuses an empty value, naming where it came from', () => {
    expect(() => resolveStateDirs({ ...base, stateDir: '' })).toThrow(/--state-dir is empty/);
    expect(() => resolveStateDirs({ ...base, env: { METALOR_CACHE_DIR: '' } })).toThrow(/METALOR_CACHE_DIR is empty/);
  });
});
