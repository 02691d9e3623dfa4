import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BuildCellSpec } from '@metalor/cell-spec';
import {
  ProviderError,
  WORKER_REQUEST_ENV,
  WorkerTarget,
  appcontainerProfileName,
  backendCaps,
  buildWorkerBrokerCommand,
  buildWorkerCommand,
  copyWorkerExports,
  loadRequest,
  loadRequestFromEnv,
  prepareWorkerJob,
  prepareWorkerRequest,
  syncWorkerCaches,
  validateApplicationId,
} from './index.js';
import { providerErrorOf } from '@metalor/provider-core/testing';

const run = promisify(execFile);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'metalor-wsl-worker-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sampleSpec(root: string): BuildCellSpec {
  return {
    root: path.join(root, 'cell-root'),
    scratch: path.join(root, 'scratch'),
    workspacePath: '/workspace',
    workspaceSeed: { kind: 'snapshotDir', path: path.join(root, 'seed') },
    imports: [{ source: path.join(root, 'input.txt'), destination: '/inputs/input.txt' }],
    caches: [{ source: path.join(root, 'cache'), destination: '/cache' }],
    exports: [{ source: '/workspace/out.txt', destination: path.join(root, 'exported', 'out.txt') }],
    command: { cwd: '/workspace', executable: '/bin/sh', argv: ['-c', 'cat "$1" > out.txt && echo hit >> "$2/count"', 'sh'] },
    env: [['PATH', '/usr/bin:/bin']],
    network: 'disabled',
    limits: {},
    cleanup: 'always',
  };
}

describe('WorkerTarget', () => {
  it('keeps an absolute executable and an optional subcommand', () => {
    const target = new WorkerTarget('/opt/metalor/worker', 'run-cell');
    expect(target.executable).toBe('/opt/metalor/worker');
    expect(target.subcommand).toBe('run-cell');
    expect(new WorkerTarget('/opt/metalor/worker').subcommand).toBeUndefined();
  });

  it('refuses a relative executable', () => {
    const error = providerErrorOf(() => new WorkerTarget('worker.exe'));
    expect(error.code).toBe('ERR_METALOR_WORKER_TARGET_INVALID');
    expect(error.message).toBe('Windows worker executable "worker.exe" is not absolute: expected an absolute host path');
  });

  it('refuses an empty subcommand', () => {
    const error = providerErrorOf(() => new WorkerTarget('/opt/worker', ''));
    expect(error.code).toBe('ERR_METALOR_WORKER_TARGET_INVALID');
    expect(error.message).toContain('subcommand "" is empty');
  });
});

describe('application ids and profiles', () => {
  it('derives AppContainer profile names character by character', () => {
    expect(appcontainerProfileName('com.example.Builder')).toBe('com.example.Builder');
    expect(appcontainerProfileName('my app/1 ✓')).toBe('my-app-1--');
  });

  it('accepts dotted identifiers', () => {
    expect(() => validateApplicationId('com.example.build-worker_2')).not.toThrow();
  });

  it.each([
    ['', 'a non-empty identifier'],
    ['.com.example', 'dot-separated components, none of them empty'],
    ['com.example.', 'dot-separated components, none of them empty'],
    ['com..example', 'dot-separated components, none of them empty'],
    ['com.exa mple', "only ASCII letters, digits, '-', '_' and '.'"],
    ['com.exämple', "only ASCII letters, digits, '-', '_' and '.'"],
  ])('refuses %j', (id, expected) => {
    const error = providerErrorOf(() => validateApplicationId(id));
    expect(error.code).toBe('ERR_METALOR_APPLICATION_ID_INVALID');
    expect(error.message).toBe(`invalid application identifier ${JSON.stringify(id)}: expected ${expected}`);
  });
});

describe('broker and worker', () => {
  it('reports the Windows backend capabilities: only a per-job network toggle', () => {
    expect(backendCaps()).toEqual({
      ociRootfs: false,
      liveBindMounts: false,
      foreignArchExec: false,
      perJobNetworkToggle: true,
      profileSelectedNetwork: false,
    });
  });

  it('writes the request where the broker command points the worker, and the worker reads it back', async () => {
    const spec = sampleSpec(dir);
    const requestPath = await prepareWorkerRequest(spec.scratch, spec);
    expect(requestPath).toBe(path.join(spec.scratch, 'build-cell-request.json'));
    const worker = path.join(dir, 'worker');
    await writeFile(worker, `#!/bin/sh\nprintf '%s|%s' "$1" "$${WORKER_REQUEST_ENV}" > "$(dirname "$0")/seen"\n`);
    await chmod(worker, 0o755);
    const command = buildWorkerBrokerCommand(new WorkerTarget(worker, 'run-cell'), requestPath);
    expect(command).toEqual({ file: worker, args: ['run-cell'], env: { [WORKER_REQUEST_ENV]: requestPath } });
    await run(command.file, [...command.args], { env: { ...process.env, ...command.env } });
    expect(await readFile(path.join(dir, 'seen'), 'utf8')).toBe(`run-cell|${requestPath}`);
    expect(await loadRequestFromEnv({ [WORKER_REQUEST_ENV]: requestPath })).toEqual(spec);
    expect(await loadRequest(requestPath)).toEqual(spec);
  });

  it.each([[{}], [{ [WORKER_REQUEST_ENV]: '' }]])('refuses a missing request variable (%j)', async (env) => {
    const error = await loadRequestFromEnv(env).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe('ERR_METALOR_REQUEST_ENV_MISSING');
    expect((error as ProviderError).message).toContain(WORKER_REQUEST_ENV);
  });

  it('runs a whole job with the portable worker functions: stage, run, sync caches, export', async () => {
    const spec = sampleSpec(dir);
    await mkdir(path.join(dir, 'seed'));
    await writeFile(path.join(dir, 'seed', 'README'), 'seed\n');
    await writeFile(path.join(dir, 'input.txt'), 'imported data\n');
    await mkdir(path.join(dir, 'cache'));
    await writeFile(path.join(dir, 'cache', 'count'), 'old\n');
    spec.command.argv = [...spec.command.argv, '/inputs/input.txt', '/cache'];
    const requestPath = await prepareWorkerRequest(spec.scratch, spec);
    const loaded = await loadRequestFromEnv({ [WORKER_REQUEST_ENV]: requestPath });
    const job = await prepareWorkerJob(path.join(dir, 'job'), loaded);
    const command = buildWorkerCommand(loaded, job);
    // The job root stands in for the cell's `/`: map the cell paths in argv to host paths.
    const args = command.args.map((arg) => (arg.startsWith('/inputs') || arg === '/cache' ? path.join(job.root, arg) : arg));
    await run(command.file, args, { cwd: command.cwd, env: command.env });
    await syncWorkerCaches(loaded, job);
    await copyWorkerExports(loaded, job, true);
    expect(await readFile(path.join(dir, 'exported', 'out.txt'), 'utf8')).toBe('imported data\n');
    expect(await readFile(path.join(dir, 'cache', 'count'), 'utf8')).toBe('old\nhit\n');
  });
});
