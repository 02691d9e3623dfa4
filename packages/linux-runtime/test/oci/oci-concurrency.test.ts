import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareOciRootfs, readRootfsView } from '../../src/index.js';
import { ensureTestImages, makeScratch, makeSkopeoCounter, removeScratch, type TestImages } from './images.js';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'prepare-worker.ts');

let images: TestImages;
let scratch: string;
let prefix: string;
let counter: ReturnType<typeof makeSkopeoCounter>;

beforeAll(() => {
  images = ensureTestImages();
  scratch = makeScratch('oci-concurrency');
  prefix = path.join(scratch, 'prefix');
  mkdirSync(prefix);
  counter = makeSkopeoCounter(scratch);
});
afterAll(() => removeScratch(scratch));

interface WorkerRun {
  child: ReturnType<typeof spawn>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** prepareOciRootfs in a separate node process, with the counting skopeo first on PATH. */
function runWorker(args: string[], env: Record<string, string> = {}): WorkerRun {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], {
    env: { ...process.env, ...env, PATH: `${counter.binDir}:${process.env.PATH}` },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

/** A listing of every file under `dir` with its type and size, to compare trees. */
function treeOf(dir: string): string {
  return execFileSync('find', ['.', '-printf', '%p %y %s %m %l\n'], { cwd: dir, encoding: 'utf8' }).split('\n').sort().join('\n');
}

describe('layout cache under concurrency', () => {
  it('8 processes preparing one image with one cache all succeed, copy once, see one tree', async () => {
    const cache = path.join(scratch, 'cache-8');
    const before = counter.calls();
    const runs = Array.from({ length: 8 }, (_, i) => runWorker([images.amd64, prefix, path.join(prefix, `p${i}`), cache]));
    const results = await Promise.all(runs.map((run) => run.done));
    for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0 });
    expect(counter.calls()).toBe(before + 1);
    const roots = results.map((result) => (JSON.parse(result.stdout) as { rootfs: string }).rootfs);
    const views = await Promise.all(roots.map((root) => readRootfsView(root)));
    const lowers = new Set(views.map((view) => view!.lowerdir));
    expect(lowers.size).toBe(1);
    const [lower] = [...lowers] as [string];
    expect(treeOf(lower)).toContain('./bin/busybox f');
    for (const view of views) expect(readdirSync(view!.upperdir)).toEqual([]);
    expect(readdirSync(cache).filter((name) => !name.startsWith('.locks'))).toHaveLength(1);
  }, 120_000);

  it('recovers an entry whose population was killed with SIGKILL between copy and rename', async () => {
    const cache = path.join(scratch, 'cache-kill');
    const marker = path.join(scratch, 'skopeo-copied');
    const victim = runWorker([images.amd64, prefix, path.join(prefix, 'killed'), cache], { METALOR_TEST_SKOPEO_HANG: marker });
    const deadline = Date.now() + 60_000;
    while (!existsSync(marker)) {
      if (Date.now() > deadline) throw new Error(`worker never reached skopeo: ${(await Promise.race([victim.done, Promise.resolve(null)]))?.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Kill only the node process: its flock lock holder must notice by itself (stdin EOF) and
    // release the lock, or the next prepare would wait forever.
    process.kill(victim.child.pid!, 'SIGKILL');
    expect((await victim.done).signal).toBe('SIGKILL');
    const leftovers = readdirSync(cache).filter((name) => name.startsWith('.tmp-'));
    expect(leftovers).toHaveLength(1);

    const before = counter.calls();
    const originalPath = process.env.PATH;
    process.env.PATH = `${counter.binDir}:${originalPath}`;
    const rootfs = await prepareOciRootfs(images.amd64, prefix, path.join(prefix, 'after-kill'), { cacheRoot: cache }).finally(() => {
      process.env.PATH = originalPath;
      // The orphaned, still hanging skopeo wrapper.
      try {
        process.kill(-victim.child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    });
    expect(counter.calls()).toBe(before + 1);
    const view = await readRootfsView(rootfs);
    expect(existsSync(path.join(view!.lowerdir, 'bin/busybox'))).toBe(true);
    expect(readdirSync(cache).filter((name) => name.startsWith('.tmp-'))).toEqual([]);
  }, 120_000);
});
