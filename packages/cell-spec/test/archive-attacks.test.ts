import { lstat, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ARCHIVE_MAX_DEPTH, cellHostPath, prepareWorkerJob, type BuildCellSpec } from '@metalor/cell-spec';
import { describeTree, emptySpec, makeTempDir, writeTree } from './helpers/fs-fixtures.js';
import { rawTar, type RawEntry } from './helpers/raw-tar.js';

let base: string;
let cleanup: () => Promise<void>;
let outside: string;
beforeEach(async () => {
  ({ dir: base, cleanup } = await makeTempDir('archive'));
  outside = path.join(base, 'outside');
  await writeTree(outside, { 'secret.txt': 'untouched' });
});
afterEach(async () => {
  await cleanup();
});

/** Unpacks hand-made entries as the workspace seed; returns the error and checks nothing leaked. */
async function unpackAttack(entries: RawEntry[], gzip = false): Promise<{ code: string; message: string }> {
  const archive = path.join(base, gzip ? 'attack.tgz' : 'attack.tar');
  await writeFile(archive, rawTar(entries, gzip));
  const spec: BuildCellSpec = { ...emptySpec(base), workspaceSeed: { kind: 'archive', path: archive } };
  const before = await readdir(base);
  const error = await prepareWorkerJob(path.join(base, 'job'), spec).then(
    () => {
      throw new Error('the attack archive was unpacked without an error');
    },
    (caught: { code: string; message: string }) => caught,
  );
  expect(await describeTree(outside)).toEqual(['. dir 755', './secret.txt file 644 untouched']);
  expect((await readdir(base)).sort()).toEqual([...new Set([...before, 'job'])].sort());
  return error;
}

describe('workspace archive attacks', () => {
  it('zip-slip: an entry path with ../ is refused', async () => {
    const error = await unpackAttack([{ path: '../outside/secret.txt', content: 'pwned' }]);
    expect(error.code).toBe('ERR_METALOR_ARCHIVE_UNSAFE_PATH');
    expect(error.message).toContain(`contains a path with '..' "../outside/secret.txt": expected a relative path inside the workspace`);
  });

  it('zip-slip in the middle: a/../../ is refused', async () => {
    expect((await unpackAttack([{ path: 'a/../../outside/x', content: 'pwned' }])).code).toBe('ERR_METALOR_ARCHIVE_UNSAFE_PATH');
  });

  it('absolute path: an entry aimed at a host path is refused, not stripped', async () => {
    const target = path.join(outside, 'planted.txt');
    const error = await unpackAttack([{ path: target, content: 'pwned' }]);
    expect(error.code).toBe('ERR_METALOR_ARCHIVE_UNSAFE_PATH');
    expect(error.message).toContain(`contains an absolute path ${JSON.stringify(target)}`);
    await expect(lstat(path.join(base, 'job', 'workspace', target))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('symlink poisoning: a file written through a symlink made earlier in the archive is refused', async () => {
    const error = await unpackAttack([
      { path: 'sub/', type: '5' },
      { path: 'link', type: '2', linkpath: 'sub' },
      { path: 'link/file.txt', content: 'through the link' },
    ]);
    expect(error.code).toBe('ERR_METALOR_ARCHIVE_SYMLINK_TRAVERSAL');
    expect(error.message).toContain(`entry "link/file.txt" passes through the symlink "link" it created`);
  });

  it('symlink poisoning with another letter case is refused too', async () => {
    const error = await unpackAttack([
      { path: 'Link', type: '2', linkpath: '.' },
      { path: 'link/x', content: 'x' },
    ]);
    expect(error.code).toBe('ERR_METALOR_ARCHIVE_SYMLINK_TRAVERSAL');
  });

  it('symlink escape: a symlink to an absolute host path is refused', async () => {
    const error = await unpackAttack([
      { path: 'evil', type: '2', linkpath: outside },
      { path: 'evil/secret.txt', content: 'pwned' },
    ]);
    expect(error.code).toBe('ERR_METALOR_ARCHIVE_LINK_ESCAPE');
    expect(error.message).toContain(`symlink "evil" -> ${JSON.stringify(outside)} points outside the workspace`);
  });

  it('symlink escape: a relative target climbing out is refused', async () => {
    const error = await unpackAttack([{ path: 'a/b/up', type: '2', linkpath: '../../../outside' }]);
    expect(error.code).toBe('ERR_METALOR_ARCHIVE_LINK_ESCAPE');
  });

  it('symlink escape through a chain: ".." after a symlinked component is refused', async () => {
    const error = await unpackAttack([
      { path: 'here', type: '2', linkpath: '.' },
      { path: 'chain', type: '2', linkpath: 'here/../outside' },
    ]);
    expect(error.code).toBe('ERR_METALOR_ARCHIVE_LINK_ESCAPE');
  });

  it('hardlink escape: a hard link to a host file is refused', async () => {
    const secret = path.join(outside, 'secret.txt');
    const error = await unpackAttack([{ path: 'hard', type: '1', linkpath: secret }]);
    expect(error.code).toBe('ERR_METALOR_ARCHIVE_LINK_ESCAPE');
    expect(error.message).toContain(`hard link "hard" -> ${JSON.stringify(secret)} points outside the workspace`);
  });

  it('hardlink escape: a relative hard link climbing out is refused', async () => {
    expect((await unpackAttack([{ path: 'hard', type: '1', linkpath: '../outside/secret.txt' }])).code).toBe('ERR_METALOR_ARCHIVE_LINK_ESCAPE');
  });

  it('hardlink through a symlink from the archive is refused', async () => {
    const error = await unpackAttack([
      { path: 'sub/file', content: 'x' },
      { path: 'link', type: '2', linkpath: 'sub' },
      { path: 'hard', type: '1', linkpath: 'link/file' },
    ]);
    expect(error.code).toBe('ERR_METALOR_ARCHIVE_SYMLINK_TRAVERSAL');
  });

  it.each([
    ['3', 'CharacterDevice'],
    ['4', 'BlockDevice'],
    ['6', 'FIFO'],
  ] as const)('device and FIFO smuggling: a type %s entry is refused', async (type, name) => {
    const error = await unpackAttack([{ path: 'node', type }]);
    expect(error.code).toBe('ERR_METALOR_ARCHIVE_SPECIAL_FILE');
    expect(error.message).toContain(`contains ${name} entry "node": expected only files, directories, symlinks and hard links`);
  });

  it(`deep nesting: more than ${ARCHIVE_MAX_DEPTH} levels is refused`, async () => {
    const deep = `${Array.from({ length: ARCHIVE_MAX_DEPTH }, () => 'd').join('/')}/file`;
    const error = await unpackAttack([{ path: deep, content: 'deep' }], true);
    expect(error.code).toBe('ERR_METALOR_ARCHIVE_TOO_DEEP');
    expect(error.message).toContain(`${ARCHIVE_MAX_DEPTH + 1} levels deep: expected at most ${ARCHIVE_MAX_DEPTH}`);
  });

  it('a corrupt archive is a typed error', async () => {
    const archive = path.join(base, 'corrupt.tgz');
    await writeFile(archive, Buffer.from('not gzip at all, not tar either'.repeat(40)));
    await expect(
      prepareWorkerJob(path.join(base, 'job'), { ...emptySpec(base), workspaceSeed: { kind: 'archive', path: archive } }),
    ).rejects.toMatchObject({ code: 'ERR_METALOR_ARCHIVE_UNPACK' });
  });

  it('still unpacks a legitimate archive with inside links and exactly the maximum depth', async () => {
    const deep = `${Array.from({ length: ARCHIVE_MAX_DEPTH - 1 }, () => 'd').join('/')}/file`;
    const archive = path.join(base, 'fine.tar');
    await writeFile(
      archive,
      rawTar([
        { path: 'src/a.txt', content: 'a' },
        { path: 'src/up', type: '2', linkpath: '../top.txt' },
        { path: 'top.txt', content: 'top' },
        { path: 'hard', type: '1', linkpath: 'src/a.txt' },
        { path: 'run.sh', content: '#!/bin/sh\n', mode: 0o755 },
        { path: deep, content: 'deep' },
      ]),
    );
    const job = await prepareWorkerJob(path.join(base, 'job'), { ...emptySpec(base), workspaceSeed: { kind: 'archive', path: archive } });
    const listing = await describeTree(cellHostPath(job, '/workspace'));
    expect(listing).toContain('./src/up link -> ../top.txt');
    expect(listing).toContain('./hard file 644 a');
    expect(listing).toContain('./run.sh file 755 #!/bin/sh\n');
    expect(listing.some((line) => line.endsWith('/file file 644 deep'))).toBe(true);
  });
});
