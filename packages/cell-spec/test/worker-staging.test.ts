import { chmod, lstat, mkdir, readFile, readlink, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import * as tar from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildWorkerCommand,
  cellHostPath,
  copyWorkerExports,
  prepareWorkerJob,
  syncWorkerCaches,
  type BuildCellSpec,
} from '@metalor/cell-spec';
import { describeTree, emptySpec, makeTempDir, writeTree } from './helpers/fs-fixtures.js';

let base: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: base, cleanup } = await makeTempDir('staging'));
});
afterEach(async () => {
  await cleanup();
});

async function writeSeed(dir: string): Promise<void> {
  await writeTree(dir, {
    'README.md': 'seed readme\n',
    src: { 'main.c': 'int main(void) { return 0; }\n', nested: { 'deep.txt': 'deep\n' } },
    'run.sh': '#!/bin/sh\necho run\n',
    'link-to-src': { link: 'src/main.c' },
    dangling: { link: 'no/such/file' },
  });
  await chmod(path.join(dir, 'run.sh'), 0o750);
  await chmod(path.join(dir, 'src', 'nested'), 0o711);
}

function specWith(overrides: Partial<BuildCellSpec>): BuildCellSpec {
  return { ...emptySpec(base), ...overrides };
}

describe('cellHostPath', () => {
  it('maps cell paths under the job root and refuses relative, .. and backslash paths', () => {
    const job = { root: '/jobs/1' };
    expect(cellHostPath(job, '/')).toBe('/jobs/1');
    expect(cellHostPath(job, '/workspace//src/./a')).toBe('/jobs/1/workspace/src/a');
    expect(() => cellHostPath(job, 'workspace')).toThrow(expect.objectContaining({ code: 'ERR_METALOR_PATH_NOT_ABSOLUTE' }));
    expect(() => cellHostPath(job, '/w/../../etc')).toThrow(expect.objectContaining({ code: 'ERR_METALOR_PATH_PARENT_COMPONENT' }));
    expect(() => cellHostPath(job, '/w\\..\\x')).toThrow(
      expect.objectContaining({ code: 'ERR_METALOR_PATH_BACKSLASH', message: `build cell path must use '/' separators: "/w\\\\..\\\\x"` }),
    );
  });
});

describe('prepareWorkerJob', () => {
  it('copies a snapshot seed keeping modes and symlinks, never following them', async () => {
    const seed = path.join(base, 'seed');
    await writeSeed(seed);
    await symlink('/nonexistent/target', path.join(seed, 'absolute'));
    const jobRoot = path.join(base, 'job');
    const job = await prepareWorkerJob(jobRoot, specWith({ workspaceSeed: { kind: 'snapshotDir', path: seed } }));
    expect(job.root).toBe(jobRoot);
    const workspace = cellHostPath(job, '/workspace');
    expect(await describeTree(workspace)).toEqual(await describeTree(seed));
    expect(await readlink(path.join(workspace, 'absolute'))).toBe('/nonexistent/target');
    expect((await lstat(path.join(workspace, 'link-to-src'))).isSymbolicLink()).toBe(true);
  });

  it('keeps modification times', async () => {
    const seed = path.join(base, 'seed');
    await writeTree(seed, { 'old.txt': 'x' });
    const then = new Date('2001-02-03T04:05:06Z');
    await utimes(path.join(seed, 'old.txt'), then, then);
    const job = await prepareWorkerJob(path.join(base, 'job'), specWith({ workspaceSeed: { kind: 'snapshotDir', path: seed } }));
    expect((await stat(cellHostPath(job, '/workspace/old.txt'))).mtime.getTime()).toBe(then.getTime());
  });

  it.each(['seed.tar', 'seed.tar.gz', 'seed.tgz'])('unpacks a %s seed', async (name) => {
    const seed = path.join(base, 'seed');
    await writeSeed(seed);
    const archive = path.join(base, name);
    await tar.c({ file: archive, cwd: seed, gzip: name !== 'seed.tar', portable: false }, ['.']);
    const job = await prepareWorkerJob(path.join(base, 'job'), specWith({ workspaceSeed: { kind: 'archive', path: archive } }));
    expect(await describeTree(cellHostPath(job, '/workspace'))).toEqual(await describeTree(seed));
  });

  it('refuses a seed that is not a directory and an archive of another format', async () => {
    const file = path.join(base, 'file.zip');
    await writeFile(file, 'zip');
    await expect(prepareWorkerJob(path.join(base, 'job'), specWith({ workspaceSeed: { kind: 'snapshotDir', path: file } }))).rejects.toMatchObject({
      code: 'ERR_METALOR_SEED_NOT_DIRECTORY',
      message: `build workspace seed ${JSON.stringify(file)} is not a directory: expected a directory to copy`,
    });
    await expect(prepareWorkerJob(path.join(base, 'job'), specWith({ workspaceSeed: { kind: 'archive', path: file } }))).rejects.toMatchObject({
      code: 'ERR_METALOR_ARCHIVE_FORMAT',
      message: `unsupported workspace archive format ${JSON.stringify(file)}: expected .tar, .tar.gz or .tgz`,
    });
  });

  it('copies imports of files and directories, and caches that exist or not', async () => {
    await writeTree(path.join(base, 'host'), {
      'tool.sh': '#!/bin/sh\n',
      lib: { 'a.txt': 'a', sub: { 'b.txt': 'b' }, 'self': { link: 'a.txt' } },
      cache: { 'state': 'cached' },
    });
    await chmod(path.join(base, 'host', 'tool.sh'), 0o755);
    const spec = specWith({
      imports: [
        { source: path.join(base, 'host', 'tool.sh'), destination: '/opt/bin/tool.sh' },
        { source: path.join(base, 'host', 'lib'), destination: '/workspace/lib' },
      ],
      caches: [
        { source: path.join(base, 'host', 'cache'), destination: '/cache/present' },
        { source: path.join(base, 'host', 'absent-cache'), destination: '/cache/absent' },
      ],
    });
    const job = await prepareWorkerJob(path.join(base, 'job'), spec);
    expect((await stat(cellHostPath(job, '/opt/bin/tool.sh'))).mode & 0o777).toBe(0o755);
    expect(await describeTree(cellHostPath(job, '/workspace/lib'))).toEqual(await describeTree(path.join(base, 'host', 'lib')));
    expect(await readFile(cellHostPath(job, '/cache/present/state'), 'utf8')).toBe('cached');
    expect(await describeTree(cellHostPath(job, '/cache/absent'))).toEqual(['. dir 755']);
  });

  it('resets the job root', async () => {
    const jobRoot = path.join(base, 'job');
    await writeTree(jobRoot, { stale: 'x' });
    await prepareWorkerJob(jobRoot, specWith({}));
    expect(await describeTree(jobRoot)).toEqual(['. dir 755', './workspace dir 755']);
  });

  it('refuses a missing import and a relative job root', async () => {
    const missing = path.join(base, 'missing');
    await expect(prepareWorkerJob(path.join(base, 'job'), specWith({ imports: [{ source: missing, destination: '/in' }] }))).rejects.toMatchObject({
      code: 'ERR_METALOR_IMPORT_MISSING',
      message: `build import source ${JSON.stringify(missing)} does not exist: expected a file or directory to copy`,
    });
    const seed = path.join(base, 'seed');
    await writeSeed(seed);
    await expect(prepareWorkerJob(path.join(seed, 'src', 'job'), specWith({ workspaceSeed: { kind: 'snapshotDir', path: seed } }))).rejects.toMatchObject({
      code: 'ERR_METALOR_SOURCE_CONTAINS_JOB',
      message: `build workspace seed ${JSON.stringify(seed)} contains the worker job root ${JSON.stringify(path.join(seed, 'src', 'job'))}: expected the job outside every source`,
    });
    expect(await describeTree(seed)).toContain('./src/main.c file 644 int main(void) { return 0; }\n');
    await expect(prepareWorkerJob('jobs/1', specWith({}))).rejects.toMatchObject({ code: 'ERR_METALOR_PATH_NOT_ABSOLUTE' });
    await expect(prepareWorkerJob('/', specWith({}))).rejects.toMatchObject({ code: 'ERR_METALOR_PATH_IS_ROOT' });
  });
});

describe('buildWorkerCommand and a real run', () => {
  it('runs the command in the mapped cwd with exactly spec.env, then syncs caches and copies exports', async () => {
    const seed = path.join(base, 'seed');
    await writeSeed(seed);
    await writeTree(path.join(base, 'host'), { cache: { counter: '1' }, 'input.txt': 'imported\n' });
    const out = path.join(base, 'out');
    const spec = specWith({
      workspaceSeed: { kind: 'snapshotDir', path: seed },
      imports: [{ source: path.join(base, 'host', 'input.txt'), destination: '/inputs/input.txt' }],
      caches: [{ source: path.join(base, 'host', 'cache'), destination: '/cache' }],
      exports: [
        { source: '/workspace/build/result.txt', destination: path.join(out, 'result.txt') },
        { source: '/workspace/build', destination: path.join(out, 'build-dir') },
      ],
      command: {
        cwd: '/workspace/build',
        executable: 'sh',
        argv: [
          '-c',
          [
            'set -e',
            'pwd > where.txt',
            'env | sort > env.txt',
            'cat ../README.md "$JOB/inputs/input.txt" > result.txt',
            'chmod 640 result.txt',
            'ln -s result.txt latest',
            'echo $(( $(cat "$JOB/cache/counter") + 1 )) > "$JOB/cache/counter"',
          ].join('\n'),
        ],
      },
      env: [
        ['PATH', '/usr/bin:/bin'],
        ['GREETING', 'a=b é'],
      ],
    });
    const job = await prepareWorkerJob(path.join(base, 'job'), spec);
    spec.env.push(['JOB', job.root]);
    const command = buildWorkerCommand(spec, job);
    expect(command).toEqual({
      file: 'sh',
      args: spec.command.argv,
      cwd: cellHostPath(job, '/workspace/build'),
      env: { PATH: '/usr/bin:/bin', GREETING: 'a=b é', JOB: job.root },
    });
    const result = await execa(command.file, command.args, { cwd: command.cwd, env: command.env, extendEnv: false });
    expect(result.exitCode).toBe(0);
    await syncWorkerCaches(spec, job);
    await copyWorkerExports(spec, job, true);

    expect(await readFile(path.join(out, 'result.txt'), 'utf8')).toBe('seed readme\nimported\n');
    expect((await stat(path.join(out, 'result.txt'))).mode & 0o777).toBe(0o640);
    expect(await readlink(path.join(out, 'build-dir', 'latest'))).toBe('result.txt');
    expect((await readFile(path.join(out, 'build-dir', 'where.txt'), 'utf8')).trim()).toBe(cellHostPath(job, '/workspace/build'));
    const env = (await readFile(path.join(out, 'build-dir', 'env.txt'), 'utf8')).trim().split('\n');
    expect(env.filter((line) => !line.startsWith('PWD=') && !line.startsWith('SHLVL=') && !line.startsWith('_='))).toEqual([
      'GREETING=a=b é',
      `JOB=${job.root}`,
      'PATH=/usr/bin:/bin',
    ]);
    expect(await readFile(path.join(base, 'host', 'cache', 'counter'), 'utf8')).toBe('2\n');
  });

  it('a missing export is an error after success and skipped after failure', async () => {
    const destination = path.join(base, 'out', 'missing.txt');
    const spec = specWith({ exports: [{ source: '/workspace/missing.txt', destination }] });
    const job = await prepareWorkerJob(path.join(base, 'job'), spec);
    await expect(copyWorkerExports(spec, job, true)).rejects.toMatchObject({
      code: 'ERR_METALOR_EXPORT_MISSING',
      message: `expected build export "/workspace/missing.txt" to exist at ${JSON.stringify(cellHostPath(job, '/workspace/missing.txt'))} after the command succeeded`,
    });
    await expect(copyWorkerExports(spec, job, false)).resolves.toBeUndefined();
    await expect(lstat(destination)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('copies exports that exist even after a failure, replacing what was there', async () => {
    const destination = path.join(base, 'out', 'dir');
    await writeTree(destination, { 'old.txt': 'old' });
    const spec = specWith({ exports: [{ source: '/workspace/dir', destination }] });
    const job = await prepareWorkerJob(path.join(base, 'job'), spec);
    await writeTree(cellHostPath(job, '/workspace/dir'), { 'new.txt': 'new' });
    await copyWorkerExports(spec, job, false);
    expect(await describeTree(destination)).toEqual(['. dir 755', './new.txt file 644 new']);
  });

  it('refuses a bad cwd or executable and creates a missing cwd', async () => {
    const job = await prepareWorkerJob(path.join(base, 'job'), specWith({}));
    expect(() => buildWorkerCommand(specWith({ command: { cwd: 'rel', executable: 'sh', argv: [] } }), job)).toThrow(
      expect.objectContaining({ code: 'ERR_METALOR_PATH_NOT_ABSOLUTE' }),
    );
    expect(() => buildWorkerCommand(specWith({ command: { cwd: '/', executable: './sh', argv: [] } }), job)).toThrow(
      expect.objectContaining({ code: 'ERR_METALOR_EXECUTABLE_INVALID' }),
    );
    const command = buildWorkerCommand(specWith({ command: { cwd: '/new/dir', executable: 'sh', argv: [] } }), job);
    expect((await stat(command.cwd)).isDirectory()).toBe(true);
    await mkdir(path.join(base, 'elsewhere'));
    await symlink(path.join(base, 'elsewhere'), cellHostPath(job, '/linked'));
    expect(() => buildWorkerCommand(specWith({ command: { cwd: '/linked/sub', executable: 'sh', argv: [] } }), job)).toThrow(
      expect.objectContaining({ code: 'ERR_METALOR_CELL_PATH_SYMLINK' }),
    );
  });
});
