import { createHash } from 'node:crypto';
import { lstat, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellHostPath, prepareWorkerJob, recoverInterruptedReplace, type BuildCellSpec, type WorkerJob } from '@metalor/cell-spec';
import { emptySpec, makeTempDir, writeTree, type Tree } from './helpers/fs-fixtures.js';

const CHILD = fileURLToPath(new URL('./fixtures/interrupted-sync-child.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const KILL_POINTS = 12;

/** Type, mode and a content hash of every entry: enough to tell complete old from complete new from a mix. */
async function digest(root: string): Promise<string | null> {
  const lines: string[] = [];
  async function visit(file: string, relative: string): Promise<void> {
    const stat = await lstat(file);
    if (stat.isSymbolicLink()) lines.push(`${relative} -> ${await readlink(file)}`);
    else if (stat.isFile()) lines.push(`${relative} ${(stat.mode & 0o777).toString(8)} ${createHash('sha256').update(await readFile(file)).digest('hex')}`);
    else {
      lines.push(`${relative}/`);
      for (const name of (await readdir(file)).sort()) await visit(path.join(file, name), `${relative}/${name}`);
    }
  }
  try {
    await visit(root, '.');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && lines.length === 0) return null;
    throw error;
  }
  return lines.join('\n');
}

function manyFiles(prefix: string, count: number, big: number): Tree {
  const tree: Tree = {};
  for (let dir = 0; dir < 6; dir += 1) {
    const sub: Tree = {};
    for (let index = 0; index < count / 6; index += 1) sub[`f${index}.txt`] = `${prefix} ${dir}/${index}\n`.repeat(20);
    tree[`d${dir}`] = sub;
  }
  tree['big.bin'] = `${prefix}`.repeat(big);
  tree.link = { link: `d0/f0.txt` };
  return tree;
}

let base: string;
let cleanup: () => Promise<void>;
let spec: BuildCellSpec;
let job: WorkerJob;
let destinations: { path: string; old: Tree | string; oldDigest: string; newDigest: string }[];

async function place(target: string, content: Tree | string): Promise<void> {
  await rm(target, { recursive: true, force: true });
  if (typeof content === 'string') await writeFile(target, content);
  else await writeTree(target, content);
}

beforeAll(async () => {
  ({ dir: base, cleanup } = await makeTempDir('interrupt'));
  const host = path.join(base, 'host');
  spec = {
    ...emptySpec(base),
    caches: [{ source: path.join(host, 'cache'), destination: '/cache' }],
    exports: [
      { source: '/workspace/out-dir', destination: path.join(host, 'export-dir') },
      { source: '/workspace/out.bin', destination: path.join(host, 'export.bin') },
      { source: '/workspace/was-dir-now-file', destination: path.join(host, 'type-change') },
    ],
  };
  const olds: (Tree | string)[] = [manyFiles('old-cache', 120, 1000), manyFiles('old-export', 60, 1000), 'old export file\n', { 'inner.txt': 'old dir' }];
  const news: (Tree | string)[] = [manyFiles('new-cache', 300, 100_000), manyFiles('new-export', 300, 100_000), 'new\n'.repeat(500_000), 'now a file\n'];
  const targets = [spec.caches[0]!.source, ...spec.exports.map((entry) => entry.destination)];
  await writeTree(host, {});
  for (const [index, target] of targets.entries()) await place(target, olds[index]!);
  job = await prepareWorkerJob(path.join(base, 'job'), spec);
  const sources = ['/cache', ...spec.exports.map((entry) => entry.source)].map((cellPath) => cellHostPath(job, cellPath));
  for (const [index, source] of sources.entries()) await place(source, news[index]!);
  destinations = await Promise.all(
    targets.map(async (target, index) => ({
      path: target,
      old: olds[index]!,
      oldDigest: (await digest(target))!,
      newDigest: (await digest(sources[index]!))!,
    })),
  );
  await writeFile(path.join(base, 'config.json'), JSON.stringify({ spec, job }));
});

afterAll(async () => {
  await cleanup();
});

/** Kill after a delay from 'ready', or as soon as the child says caches are synced, or never (null). */
type KillPoint = number | 'synced' | null;

async function runChild(killAt: KillPoint): Promise<{ finished: boolean; elapsed: number }> {
  const child = execa(process.execPath, ['--import', 'tsx', '--conditions=@metalor/source', CHILD, path.join(base, 'config.json')], {
    cwd: PACKAGE_DIR,
    reject: false,
    buffer: false,
    stdout: 'pipe',
  });
  let started = 0;
  let output = '';
  await new Promise<void>((resolve) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!started && output.includes('ready')) {
        started = performance.now();
        if (typeof killAt === 'number') setTimeout(() => child.kill('SIGKILL'), killAt);
        if (killAt !== 'synced') resolve();
      }
      if (killAt === 'synced' && output.includes('synced')) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    void child.then(() => resolve());
  });
  const result = await child;
  if (!started) throw new Error(`the child never became ready: ${result.stderr}`);
  return { finished: output.includes('done'), elapsed: performance.now() - started };
}

async function resetDestinations(): Promise<void> {
  for (const destination of destinations) {
    await recoverInterruptedReplace(destination.path);
    await place(destination.path, destination.old);
  }
}

describe('SIGKILL during syncWorkerCaches / copyWorkerExports', () => {
  it('leaves every destination with its complete old or complete new content at every kill point', async () => {
    // Calibrate on the faster of two complete runs, so a slow cold first run does not push kill points past the end.
    let fullElapsed = Number.POSITIVE_INFINITY;
    for (let calibration = 0; calibration < 2; calibration += 1) {
      await resetDestinations();
      const full = await runChild(null);
      expect(full.finished).toBe(true);
      for (const destination of destinations) expect(await digest(destination.path)).toBe(destination.newDigest);
      fullElapsed = Math.min(fullElapsed, full.elapsed);
    }

    const outcomes = { interrupted: 0, sawOld: 0, sawNew: 0, recovered: 0 };
    // Kill points spread over a complete run's time, plus one at a known point, so the new side is
    // seen however fast or slow this machine is at the moment.
    const killPoints: KillPoint[] = [
      ...Array.from({ length: KILL_POINTS }, (_, point) => Math.round((fullElapsed * point) / KILL_POINTS)),
      'synced',
    ];
    for (const delay of killPoints) {
      await resetDestinations();
      const run = await runChild(delay);
      if (!run.finished) outcomes.interrupted += 1;
      for (const destination of destinations) {
        const state = await digest(destination.path);
        if (state === null) {
          // Killed between the two renames of a directory swap: the old content waits complete beside it.
          expect(await digest(path.join(path.dirname(destination.path), `.${path.basename(destination.path)}.metalor-old`))).toBe(destination.oldDigest);
          await recoverInterruptedReplace(destination.path);
          outcomes.recovered += 1;
          expect(await digest(destination.path)).toBe(destination.oldDigest);
          continue;
        }
        expect([destination.oldDigest, destination.newDigest], `${destination.path} after a kill at ${delay} ms`).toContain(state);
        if (state === destination.oldDigest) outcomes.sawOld += 1;
        else outcomes.sawNew += 1;
      }
      // Whatever was left behind, the next sync completes from it.
      await recoverInterruptedReplace(destinations[0]!.path);
    }
    expect(outcomes.interrupted).toBeGreaterThanOrEqual(KILL_POINTS / 3);
    expect(outcomes.sawOld).toBeGreaterThan(0);
    expect(outcomes.sawNew).toBeGreaterThan(0);

    const finalRun = await runChild(null);
    expect(finalRun.finished).toBe(true);
    for (const destination of destinations) {
      expect(await digest(destination.path)).toBe(destination.newDigest);
      const siblings = await readdir(path.dirname(destination.path));
      expect(siblings.filter((name) => name.includes('.metalor-'))).toEqual([]);
    }
  }, 180_000);
});
