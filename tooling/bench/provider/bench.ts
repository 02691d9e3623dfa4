/**
 * ProviderSession push and pull (host archives on node-tar's header codecs, `tar` in a local
 * `sh` provider) vs the raw `tar -cf - | sh -c 'tar -xf -'` pipeline, on the same ~100 MB tree
 * (6000 files of 1-8 KiB plus four of 18 MiB) in one run. The ratio is raw time / our time:
 * 1.00x means as fast as tar(1) on both ends. Set TMPDIR to pick the file system (tmpfs shows
 * the pipeline itself; a disk adds its own write costs to both sides).
 * Run from tooling/bench: pnpm bench:provider
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ProviderSession, shellQuote } from '@metalor/provider-core';

const SMALL_FILES = 6_000;
const LARGE_FILES = 4;
const LARGE_BYTES = 18 * 1024 * 1024;
// Eleven counted rounds: on a shared 2-core VM single rounds swing by a third, and the median settles.
const ROUNDS = 11;

const run = promisify(execFile);
const localSh = (script: string) => ({ file: 'sh', args: ['-c', script] });

/** Many small files (1-8 KiB across nested directories) plus a few large ones; random bytes, so nothing is sparse. */
async function buildTree(root: string): Promise<number> {
  let bytes = 0;
  const pool = randomBytes(8192 + LARGE_BYTES);
  for (let i = 0; i < SMALL_FILES; i += 1) {
    const dir = path.join(root, `pkg-${i % 60}`, `mod-${i % 7}`);
    if (i < 420) await mkdir(dir, { recursive: true });
    const size = 1024 + ((i * 2654435761) % 7168);
    await writeFile(path.join(dir, `file-${i}.txt`), pool.subarray(i % 4096, (i % 4096) + size));
    bytes += size;
  }
  for (let i = 0; i < LARGE_FILES; i += 1) {
    await writeFile(path.join(root, `large-${i}.bin`), pool.subarray(i * 1024, i * 1024 + LARGE_BYTES));
    bytes += LARGE_BYTES;
  }
  return bytes;
}

/** Times one step after flushing dirty pages, so no step pays for the writes of the one before. */
async function timed(step: () => Promise<unknown>): Promise<number> {
  await run('sync', []);
  const started = performance.now();
  await step();
  return (performance.now() - started) / 1000;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'metalor-bench-provider-'));
  try {
    const source = path.join(work, 'host', 'tree');
    const bytes = await buildTree(source);
    const session = new ProviderSession(localSh);
    const times = { oursPush: [] as number[], rawPush: [] as number[], oursPull: [] as number[], rawPull: [] as number[] };
    for (let round = 0; round <= ROUNDS; round += 1) {
      const remote = path.join(work, `remote-${round}`);
      const oursBack = path.join(work, `ours-back-${round}`);
      const rawRemote = path.join(work, `raw-remote-${round}`);
      const rawBack = path.join(work, `raw-back-${round}`);
      const pushOurs = () => timed(() => session.stageHostPath(source, remote));
      const pushRaw = () =>
        timed(() =>
          run('sh', ['-c', `tar -cf - -C ${shellQuote(path.dirname(source))} tree | sh -c ${shellQuote(`mkdir -p ${shellQuote(rawRemote)} && tar -xf - -C ${shellQuote(rawRemote)}`)}`]),
        );
      const pullOurs = () => timed(() => session.collectPath(path.join(remote, 'tree'), oursBack));
      const pullRaw = () =>
        timed(() =>
          run('sh', ['-c', `mkdir -p ${shellQuote(rawBack)} && sh -c ${shellQuote(`tar -cf - -C ${shellQuote(rawRemote)} tree`)} | tar -xf - -C ${shellQuote(rawBack)}`]),
        );
      // Alternate who goes first, so neither side always runs on a warmer or busier machine.
      const oursFirst = round % 2 === 0;
      const inOrder = async (ours: () => Promise<number>, raw: () => Promise<number>) => {
        if (oursFirst) return { ours: await ours(), raw: await raw() };
        const rawTime = await raw();
        return { ours: await ours(), raw: rawTime };
      };
      const push = await inOrder(pushOurs, pushRaw);
      const pull = await inOrder(pullOurs, pullRaw);
      const [oursPush, rawPush, oursPull, rawPull] = [push.ours, push.raw, pull.ours, pull.raw];
      // Round 0 warms the page cache and the JIT; it is not counted.
      if (round > 0) {
        times.oursPush.push(oursPush);
        times.rawPush.push(rawPush);
        times.oursPull.push(oursPull);
        times.rawPull.push(rawPull);
      }
      await Promise.all([remote, oursBack, rawRemote, rawBack].map((dir) => rm(dir, { recursive: true, force: true })));
    }
    const mb = bytes / 1e6;
    const files = SMALL_FILES + LARGE_FILES;
    console.log(
      `provider bench: ${mb.toFixed(1)} MB in ${files} files (${SMALL_FILES} small, ${LARGE_FILES} large) under ${tmpdir()}, ` +
        `median of ${ROUNDS} rounds, local sh provider, load average ${loadavg()[0]?.toFixed(2)}`,
    );
    const rows: [string, number, number][] = [
      ['push', median(times.oursPush), median(times.rawPush)],
      ['pull', median(times.oursPull), median(times.rawPull)],
      ['push+pull', median(times.oursPush) + median(times.oursPull), median(times.rawPush) + median(times.rawPull)],
    ];
    for (const [label, ours, raw] of rows) {
      console.log(
        `${label.padEnd(9)} ProviderSession ${ours.toFixed(3)} s (${(mb / ours).toFixed(0)} MB/s)  ` +
          `raw tar|sh tar ${raw.toFixed(3)} s (${(mb / raw).toFixed(0)} MB/s)  ratio ${(raw / ours).toFixed(2)}x raw`,
      );
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
