/**
 * @metalor/linux-runtime OCI preparation: cold prepare (copy + unpack into a fresh cache),
 * warm prepare (cached: copy-on-write view), the crate's way (copy + unpack on every job,
 * no cache), and a plain `umoci unpack` of the same layout — for a small and a large image.
 * Run from tooling/bench: pnpm bench:oci
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { prepareOciRootfs, readRootfsView } from '@metalor/linux-runtime';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function testImages(): { small: string; large: string } {
  const out = execFileSync('bash', [path.join(REPO_ROOT, 'tooling/scripts/test-images.sh'), '--large'], { encoding: 'utf8' });
  const vars = new Map(out.trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
  return { small: vars.get('METALOR_TEST_IMAGE_AMD64')!, large: vars.get('METALOR_TEST_IMAGE_LARGE')! };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;

async function time(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function benchImage(label: string, reference: string, rounds: { cold: number; warm: number; unpack: number }) {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'metalor-bench-oci-'));
  const prefix = path.join(scratch, 'prefix');
  mkdirSync(prefix);
  try {
    const cold: number[] = [];
    let cacheRoot = '';
    for (let round = 0; round < rounds.cold; round++) {
      cacheRoot = path.join(scratch, `cache-${round}`);
      cold.push(await time(() => prepareOciRootfs(reference, prefix, path.join(prefix, `cold-${round}`), { cacheRoot })));
    }
    const warm: number[] = [];
    for (let round = 0; round < rounds.warm; round++) {
      warm.push(await time(() => prepareOciRootfs(reference, prefix, path.join(prefix, `warm-${round % 4}`), { cacheRoot })));
    }
    const crate: number[] = [];
    for (let round = 0; round < rounds.unpack; round++) {
      crate.push(await time(() => prepareOciRootfs(reference, prefix, path.join(prefix, `crate-${round}`))));
      rmSync(path.join(prefix, `crate-${round}`), { recursive: true, force: true });
    }
    const lower = (await readRootfsView(path.join(prefix, 'warm-0/oci/bundle/rootfs')))!.lowerdir;
    const layout = path.join(path.dirname(path.dirname(lower)), 'layout');
    const unpack: number[] = [];
    for (let round = 0; round < rounds.unpack; round++) {
      const bundle = path.join(scratch, `unpack-${round}`);
      unpack.push(await time(async () => execFileSync('umoci', ['unpack', '--rootless', '--keep-dirlinks', '--image', `${layout}:image`, bundle])));
      rmSync(bundle, { recursive: true, force: true });
    }
    const size = execFileSync('du', ['-sb', lower], { encoding: 'utf8' }).split('\t')[0]!;
    const [c, w, k, u] = [median(cold), median(warm), median(crate), median(unpack)];
    console.log(`\n${label}: ${reference} (${(Number(size) / 1e6).toFixed(1)} MB unpacked)`);
    console.log(`  cold prepare (copy + unpack into cache)   ${ms(c)}  (median of ${rounds.cold})`);
    console.log(`  warm prepare (cached, copy-on-write view) ${ms(w)}  (median of ${rounds.warm})`);
    console.log(`  crate way (no cache: copy + unpack)       ${ms(k)}  (median of ${rounds.unpack})`);
    console.log(`  plain umoci unpack of the same layout     ${ms(u)}  (median of ${rounds.unpack})`);
    console.log(`  warm/unpack ratio ${(w / u).toFixed(4)}  => warm is ${(u / w).toFixed(0)}x faster than umoci unpack, ${(k / w).toFixed(0)}x faster than the crate way`);
    return { warm: w, unpack: u };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const images = testImages();
// Warm up the JIT and the page cache once.
await benchImage('warm-up (ignored)', images.small, { cold: 1, warm: 3, unpack: 1 });
const small = await benchImage('small image', images.small, { cold: 5, warm: 25, unpack: 5 });
const large = await benchImage('large image', images.large, { cold: 3, warm: 25, unpack: 3 });
console.log(`\nwarm prepare large/small: ${(large.warm / small.warm).toFixed(2)} (flat in image size when close to 1)`);
