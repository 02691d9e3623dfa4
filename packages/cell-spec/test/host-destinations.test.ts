import { lstat, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cellHostPath, copyWorkerExports, prepareWorkerJob, syncWorkerCaches, type BuildCellSpec } from '@metalor/cell-spec';
import { describeTree, emptySpec, makeTempDir, writeTree } from './helpers/fs-fixtures.js';

let base: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: base, cleanup } = await makeTempDir('destinations'));
  await writeTree(path.join(base, 'host'), { secret: { 'key.txt': 'secret' }, victim: { 'keep.txt': 'keep' } });
});
afterEach(async () => {
  await cleanup();
});

const host = (...parts: string[]) => path.join(base, 'host', ...parts);

describe('host destinations and links inside the job', () => {
  it('a symlinked export destination is refused before any export is written', async () => {
    await symlink(host('victim'), host('linked-out'));
    const spec: BuildCellSpec = {
      ...emptySpec(base),
      exports: [
        { source: '/workspace/a.txt', destination: host('fresh.txt') },
        { source: '/workspace/a.txt', destination: host('linked-out') },
      ],
    };
    const job = await prepareWorkerJob(path.join(base, 'job'), spec);
    await writeFile(cellHostPath(job, '/workspace/a.txt'), 'new');
    await expect(copyWorkerExports(spec, job, true)).rejects.toMatchObject({
      code: 'ERR_METALOR_DESTINATION_SYMLINK',
      message: `build export destination ${JSON.stringify(host('linked-out'))} is a symlink: expected a file, a directory or nothing, so the copy neither follows nor replaces a link`,
    });
    await expect(lstat(host('fresh.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await describeTree(host('victim'))).toEqual(['. dir 755', './keep.txt file 644 keep']);
  });

  it('a relative or .. export destination is refused before writing', async () => {
    for (const destination of ['out/a.txt', `${base}/host/../escape.txt`]) {
      const spec: BuildCellSpec = { ...emptySpec(base), exports: [{ source: '/workspace/a.txt', destination }] };
      const job = { root: path.join(base, 'job') };
      await expect(copyWorkerExports(spec, job, true)).rejects.toMatchObject({
        code: destination.startsWith('/') ? 'ERR_METALOR_PATH_PARENT_COMPONENT' : 'ERR_METALOR_PATH_NOT_ABSOLUTE',
      });
    }
    await expect(lstat(path.join(base, 'escape.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a symlinked cache source is refused on sync-back', async () => {
    await symlink(host('victim'), host('cache-link'));
    const spec: BuildCellSpec = { ...emptySpec(base), caches: [{ source: host('cache-link'), destination: '/cache' }] };
    const job = await prepareWorkerJob(path.join(base, 'job'), spec);
    await expect(syncWorkerCaches(spec, job)).rejects.toMatchObject({ code: 'ERR_METALOR_DESTINATION_SYMLINK' });
    expect(await describeTree(host('victim'))).toEqual(['. dir 755', './keep.txt file 644 keep']);
  });

  it('exfiltration: a symlink the command planted to a host directory is resolved inside the job, never on the host', async () => {
    const spec: BuildCellSpec = { ...emptySpec(base), exports: [{ source: '/workspace/out/key.txt', destination: host('stolen.txt') }] };
    const job = await prepareWorkerJob(path.join(base, 'job'), spec);
    await symlink(host('secret'), cellHostPath(job, '/workspace/out'));
    await expect(copyWorkerExports(spec, job, true)).rejects.toMatchObject({
      code: 'ERR_METALOR_EXPORT_MISSING',
      message: `expected build export "/workspace/out/key.txt" to exist at ${JSON.stringify(path.join(job.root, host('secret'), 'key.txt'))} after the command succeeded`,
    });
    await expect(lstat(host('stolen.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('exfiltration: a relative symlink climbing out with .. stops at the job root', async () => {
    const spec: BuildCellSpec = { ...emptySpec(base), exports: [{ source: '/workspace/up/secret/key.txt', destination: host('stolen.txt') }] };
    const job = await prepareWorkerJob(path.join(base, 'job'), spec);
    const depth = path.relative(base, job.root).split(path.sep).length + 2;
    await symlink(`${'../'.repeat(depth + 3)}host`, cellHostPath(job, '/workspace/up'));
    await expect(copyWorkerExports(spec, job, true)).rejects.toMatchObject({ code: 'ERR_METALOR_EXPORT_MISSING' });
    await expect(lstat(host('stolen.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('follows links among the parents of an export the way the cell saw them, inside the job', async () => {
    const spec: BuildCellSpec = {
      ...emptySpec(base),
      exports: [
        { source: '/workspace/relative/result.txt', destination: host('from-relative.txt') },
        { source: '/workspace/absolute/result.txt', destination: host('from-absolute.txt') },
      ],
    };
    const job = await prepareWorkerJob(path.join(base, 'job'), spec);
    await writeTree(cellHostPath(job, '/workspace/build/out'), { 'result.txt': 'built' });
    await symlink('build/out', cellHostPath(job, '/workspace/relative'));
    await symlink('/workspace/build/../build/out', cellHostPath(job, '/workspace/absolute'));
    await copyWorkerExports(spec, job, true);
    expect(await readFile(host('from-relative.txt'), 'utf8')).toBe('built');
    expect(await readFile(host('from-absolute.txt'), 'utf8')).toBe('built');
  });

  it('a symlink loop among the parents is a typed error', async () => {
    const spec: BuildCellSpec = { ...emptySpec(base), exports: [{ source: '/workspace/loop/x', destination: host('x') }] };
    const job = await prepareWorkerJob(path.join(base, 'job'), spec);
    await symlink('loop', cellHostPath(job, '/workspace/loop'));
    await expect(copyWorkerExports(spec, job, true)).rejects.toMatchObject({ code: 'ERR_METALOR_CELL_PATH_SYMLINK' });
  });

  it('an exported symlink stays a link and the host file it names is not copied', async () => {
    const spec: BuildCellSpec = { ...emptySpec(base), exports: [{ source: '/workspace/link', destination: host('exported-link') }] };
    const job = await prepareWorkerJob(path.join(base, 'job'), spec);
    await symlink(host('secret', 'key.txt'), cellHostPath(job, '/workspace/link'));
    await copyWorkerExports(spec, job, true);
    expect((await lstat(host('exported-link'))).isSymbolicLink()).toBe(true);
  });

  it('a cache replaced by a symlink to the host during the run is copied back as a link, never through it', async () => {
    const spec: BuildCellSpec = { ...emptySpec(base), caches: [{ source: host('cache'), destination: '/cache' }] };
    const job = await prepareWorkerJob(path.join(base, 'job'), spec);
    await rm(cellHostPath(job, '/cache'), { recursive: true });
    await symlink(host('secret'), cellHostPath(job, '/cache'));
    await syncWorkerCaches(spec, job);
    expect((await lstat(host('cache'))).isSymbolicLink()).toBe(true);
    await expect(syncWorkerCaches(spec, job)).rejects.toMatchObject({ code: 'ERR_METALOR_DESTINATION_SYMLINK' });
  });

  it('an import into a directory the seed made a symlink is refused, so nothing lands on the host', async () => {
    const seed = path.join(base, 'seed');
    await mkdir(seed);
    await symlink(host('victim'), path.join(seed, 'sub'));
    await writeFile(host('payload.txt'), 'payload');
    const spec: BuildCellSpec = {
      ...emptySpec(base),
      workspaceSeed: { kind: 'snapshotDir', path: seed },
      imports: [{ source: host('payload.txt'), destination: '/workspace/sub/payload.txt' }],
    };
    await expect(prepareWorkerJob(path.join(base, 'job'), spec)).rejects.toMatchObject({ code: 'ERR_METALOR_CELL_PATH_SYMLINK' });
    expect(await describeTree(host('victim'))).toEqual(['. dir 755', './keep.txt file 644 keep']);
  });

  it('a cache the command deleted is reported', async () => {
    const spec: BuildCellSpec = { ...emptySpec(base), caches: [{ source: host('cache'), destination: '/cache' }] };
    const job = await prepareWorkerJob(path.join(base, 'job'), spec);
    await rm(cellHostPath(job, '/cache'), { recursive: true });
    await expect(syncWorkerCaches(spec, job)).rejects.toMatchObject({ code: 'ERR_METALOR_CACHE_MISSING' });
  });

  it('replaces a directory with a file and a file with a directory', async () => {
    await writeTree(host(), { 'was-dir': { 'x.txt': 'x' }, 'was-file': 'file' });
    const spec: BuildCellSpec = {
      ...emptySpec(base),
      exports: [
        { source: '/workspace/file', destination: host('was-dir') },
        { source: '/workspace/dir', destination: host('was-file') },
      ],
    };
    const job = await prepareWorkerJob(path.join(base, 'job'), spec);
    await writeTree(cellHostPath(job, '/workspace'), { file: 'now a file', dir: { 'y.txt': 'y' } });
    await copyWorkerExports(spec, job, true);
    expect(await readFile(host('was-dir'), 'utf8')).toBe('now a file');
    expect(await describeTree(host('was-file'))).toEqual(['. dir 755', './y.txt file 644 y']);
  });
});
