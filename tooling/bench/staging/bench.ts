/**
 * @metalor/cell-spec worker staging vs `cp -a` on the same trees, in one run.
 * Workspace: 20,000 files of 1 KiB in 200 directories plus one 100 MB file.
 * Ours: prepareWorkerJob (snapshot seed copied into the job) + copyWorkerExports (the
 * workspace copied out, atomically). Peer: `cp -a` seed -> job, then job -> export.
 * Run from tooling/bench: pnpm bench:staging
 * METALOR_BENCH_DIR picks the filesystem (default: the OS temporary directory), e.g.
 * /dev/shm to measure the copying code without disk latency.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { copyWorkerExports, prepareWorkerJob, type BuildCellSpec } from '@metalor/cell-spec';

const DIRECTORIES = 200;
const FILES_PER_DIRECTORY = 100;
const SMALL_FILE_BYTES = 1024;
const LARGE_FILE_BYTES = 100 * 1024 * 1024;
const ROUNDS = 3;

async function buildSeed(seed: string): Promise<void> {
  const block = randomBytes(SMALL_FILE_BYTES);
  for (let dir = 0; dir < DIRECTORIES; dir += 1) {
    const directory = path.join(seed, `dir-${dir}`);
    await mkdir(directory, { recursive: true });
    await Promise.all(
      Array.from({ length: FILES_PER_DIRECTORY }, (_, index) => {
        block.writeUInt32LE(dir * FILES_PER_DIRECTORY + index, 0);
        return writeFile(path.join(directory, `file-${index}.txt`), Buffer.from(block));
      }),
    );
  }
  const chunk = randomBytes(1024 * 1024);
  await writeFile(path.join(seed, 'large.bin'), Buffer.concat(Array.from({ length: LARGE_FILE_BYTES / chunk.length }, () => chunk)));
}

async function timeOurs(base: string, seed: string): Promise<number> {
  const exported = path.join(base, 'ours-export');
  const spec: BuildCellSpec = {
    root: path.join(base, 'root'),
    scratch: path.join(base, 'scratch'),
    workspacePath: '/workspace',
    workspaceSeed: { kind: 'snapshotDir', path: seed },
    imports: [],
    caches: [],
    exports: [{ source: '/workspace', destination: exported }],
    command: { cwd: '/workspace', executable: 'true', argv: [] },
    env: [],
    network: 'enabled',
    limits: {},
    cleanup: 'always',
  };
  const started = performance.now();
  const job = await prepareWorkerJob(path.join(base, 'ours-job'), spec);
  await copyWorkerExports(spec, job, true);
  const seconds = (performance.now() - started) / 1000;
  await rm(path.join(base, 'ours-job'), { recursive: true, force: true });
  await rm(exported, { recursive: true, force: true });
  return seconds;
}

async function timeCp(base: string, seed: string): Promise<number> {
  const job = path.join(base, 'cp-job');
  const exported = path.join(base, 'cp-export');
  const started = performance.now();
  await mkdir(job);
  execFileSync('cp', ['-a', seed, path.join(job, 'workspace')]);
  execFileSync('cp', ['-a', path.join(job, 'workspace'), exported]);
  const seconds = (performance.now() - started) / 1000;
  await rm(job, { recursive: true, force: true });
  await rm(exported, { recursive: true, force: true });
  return seconds;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const base = await mkdtemp(path.join(process.env.METALOR_BENCH_DIR ?? tmpdir(), 'metalor-bench-staging-'));
try {
  const seed = path.join(base, 'seed');
  await buildSeed(seed);
  const ours: number[] = [];
  const peer: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    peer.push(await timeCp(base, seed));
    ours.push(await timeOurs(base, seed));
  }
  const oursSeconds = median(ours);
  const peerSeconds = median(peer);
  console.log(
    `staging in ${path.dirname(base)}: ${DIRECTORIES * FILES_PER_DIRECTORY} files of 1 KiB in ${DIRECTORIES} dirs + a 100 MB file, seed copied in and exported out, median of ${ROUNDS}`,
  );
  console.log(`  @metalor/cell-spec prepareWorkerJob + copyWorkerExports: ${oursSeconds.toFixed(3)} s  (rounds ${ours.map((s) => s.toFixed(3)).join(', ')})`);
  console.log(`  cp -a seed->job + job->export:                          ${peerSeconds.toFixed(3)} s  (rounds ${peer.map((s) => s.toFixed(3)).join(', ')})`);
  console.log(`  speed ratio (cp -a time / ours): ${(peerSeconds / oursSeconds).toFixed(2)}x  (target >= 0.80x)`);
} finally {
  await rm(base, { recursive: true, force: true });
}
