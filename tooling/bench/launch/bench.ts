/**
 * @metalor/linux-runtime launch overhead: `runContainer` of `/bin/sh -c true` in the
 * busybox OCI rootfs (both backends, plain and copy-on-write roots), against `bwrap`
 * running the same in the same rootfs, and a bare
 * `unshare --fork --pid --mount --root=R /bin/sh -c true`. Rounds are interleaved so every
 * contender sees the same machine load. Peers are started with node:child_process (the
 * cheapest way to spawn from Node); runContainer pays its own execa spawn.
 * Run from tooling/bench: pnpm bench:launch [iterations]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { prepareOciRootfs, runContainer, type LinuxNamespaceBackend } from '@metalor/linux-runtime';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ITERATIONS = Number(process.argv[2] ?? 200);
const WARMUP = 10;

function amd64Image(): string {
  const out = execFileSync('bash', [path.join(REPO_ROOT, 'tooling/scripts/test-images.sh')], { encoding: 'utf8' });
  const line = out.split('\n').find((entry) => entry.startsWith('METALOR_TEST_IMAGE_AMD64='));
  if (!line) throw new Error(`tooling/scripts/test-images.sh printed no METALOR_TEST_IMAGE_AMD64:\n${out}`);
  return line.slice(line.indexOf('=') + 1);
}

function run(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${file} exited ${code}`))));
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${value.toFixed(2)} ms`;

async function main(): Promise<void> {
  const scratch = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'metalor-bench-launch-')));
  try {
    const image = amd64Image();
    const plainRoot = await prepareOciRootfs(image, scratch, path.join(scratch, 'plain'));
    const viewRoot = await prepareOciRootfs(image, scratch, path.join(scratch, 'view'), { cacheRoot: path.join(scratch, 'cache') });
    const container = (root: string, backend: LinuxNamespaceBackend) => async () => {
      const result = await runContainer({ root, cwd: '/', mounts: [], env: [], executable: '/bin/sh', argv: ['-c', 'true'] }, { runtimeRootPrefix: scratch, backend });
      if (result.exitCode !== 0) throw new Error(`runContainer exited ${result.exitCode} ${result.stderr}`);
    };
    const contenders: [string, () => Promise<void>][] = [
      ['spawn /bin/true (floor)', () => run('/bin/true', [])],
      ['bare unshare --root', () => run('unshare', ['--fork', '--pid', '--mount', `--root=${plainRoot}`, '/bin/sh', '-c', 'true'])],
      ['bwrap', () => run('bwrap', ['--bind', plainRoot, '/', '--proc', '/proc', '--dev', '/dev', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '/bin/sh', '-c', 'true'])],
      ['runContainer privileged', container(plainRoot, 'privileged')],
      ['runContainer rootlessUser', container(plainRoot, 'rootlessUser')],
      ['runContainer privileged, copy-on-write root', container(viewRoot, 'privileged')],
      ['runContainer rootlessUser, copy-on-write root', container(viewRoot, 'rootlessUser')],
    ];
    const samples = new Map<string, number[]>(contenders.map(([name]) => [name, []]));
    for (let round = 0; round < WARMUP + ITERATIONS; round++) {
      for (const [name, launch] of contenders) {
        const started = performance.now();
        await launch();
        if (round >= WARMUP) samples.get(name)!.push(performance.now() - started);
      }
    }
    const medians = new Map([...samples].map(([name, values]) => [name, median(values)]));
    const floor = medians.get('spawn /bin/true (floor)')!;
    const bwrap = medians.get('bwrap')!;
    console.log(`launch of /bin/sh -c true in the busybox OCI rootfs — median of ${ITERATIONS} interleaved rounds (${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(2)})`);
    for (const [name, value] of medians) {
      const overhead = value - floor;
      console.log(`  ${name.padEnd(46)} ${ms(value).padStart(10)}   over floor ${ms(overhead).padStart(10)}   ×bwrap ${(value / bwrap).toFixed(2)} (overhead ×${(overhead / (bwrap - floor)).toFixed(2)})`);
    }
    const ours = medians.get('runContainer rootlessUser')!;
    console.log(`ratio runContainer (default backend, rootlessUser) / bwrap = ${(ours / bwrap).toFixed(2)}; target ≤ 3`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
