import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BUILD_CELL_REQUEST_FILE,
  buildCellRequestPath,
  decodeBuildCellRequest,
  encodeBuildCellRequest,
  readBuildCellRequest,
  writeBuildCellRequest,
  type BuildCellSpec,
} from '../index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cell-spec-request-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function spec(argv: string[] = []): BuildCellSpec {
  return {
    root: '/r',
    scratch: '/s',
    workspacePath: '/w',
    workspaceSeed: { kind: 'archive', path: '/a.tgz' },
    imports: [],
    caches: [],
    exports: [],
    command: { cwd: '/w', executable: 'sh', argv },
    env: [['A', 'b']],
    network: 'disabled',
    limits: { maxProcesses: 10 },
    cleanup: 'preserveOnFailure',
  };
}

describe('request files', () => {
  it('names the request file inside scratch', () => {
    expect(BUILD_CELL_REQUEST_FILE).toBe('build-cell-request.json');
    expect(buildCellRequestPath('/var/scratch')).toBe(path.join('/var/scratch', 'build-cell-request.json'));
  });

  it('writes the encoded bytes, creating the directory, and reads them back', async () => {
    const file = buildCellRequestPath(path.join(dir, 'new', 'scratch'));
    await writeBuildCellRequest(file, spec(['-c', 'echo hi']));
    expect(await readFile(file, 'utf8')).toBe(encodeBuildCellRequest(spec(['-c', 'echo hi'])));
    expect(await readBuildCellRequest(file)).toEqual(spec(['-c', 'echo hi']));
    expect(await readdir(path.dirname(file))).toEqual([BUILD_CELL_REQUEST_FILE]);
  });

  it('replaces atomically: a concurrent reader only ever sees a complete request', async () => {
    const file = path.join(dir, BUILD_CELL_REQUEST_FILE);
    const big = (n: number) => spec(Array.from({ length: 2000 }, () => `argument-${n}`));
    await writeBuildCellRequest(file, big(0));
    let writing = true;
    const reads: Promise<number> = (async () => {
      let count = 0;
      while (writing) {
        const text = await readFile(file, 'utf8');
        const argv = decodeBuildCellRequest(text).command.argv;
        expect(new Set(argv).size).toBe(1);
        count += 1;
      }
      return count;
    })();
    for (let n = 1; n <= 40; n += 1) await writeBuildCellRequest(file, big(n));
    writing = false;
    expect(await reads).toBeGreaterThan(0);
    expect((await readBuildCellRequest(file)).command.argv[0]).toBe('argument-40');
    expect(await readdir(dir)).toEqual([BUILD_CELL_REQUEST_FILE]);
  });

  it('reports a write failure with a typed error and leaves no temporary file', async () => {
    const file = path.join(dir, 'occupied');
    await mkdir(path.join(file, 'child'), { recursive: true });
    await expect(writeBuildCellRequest(file, spec())).rejects.toMatchObject({
      code: 'ERR_METALOR_REQUEST_WRITE',
      message: expect.stringContaining(`failed to write build cell request ${JSON.stringify(file)}`),
    });
    expect(await readdir(dir)).toEqual(['occupied']);
  });

  it('reports unreadable and malformed files with the path', async () => {
    const missing = path.join(dir, 'missing.json');
    await expect(readBuildCellRequest(missing)).rejects.toMatchObject({ code: 'ERR_METALOR_REQUEST_READ' });
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, encodeBuildCellRequest(spec()).replace('"Disabled"', '"disabled"'));
    await expect(readBuildCellRequest(bad)).rejects.toMatchObject({
      code: 'ERR_METALOR_REQUEST_INVALID',
      message: `${bad}: $.network: expected one of "Enabled", "Disabled", got "disabled"`,
    });
  });
});
