import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file is packages/linux-runtime/test/oci/images.ts). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** References of the locally built test images (see tooling/scripts/test-images.sh). */
export interface TestImages {
  layout: string;
  amd64: string;
  arm64: string;
  multi: string;
  dockerArchive: string;
  ociArchive: string;
  large: string | undefined;
}

let cached: TestImages | undefined;

/** Build (once, cached under .cache/images) and return the test images. */
export function ensureTestImages(options: { large?: boolean } = {}): TestImages {
  if (cached && (!options.large || cached.large)) return cached;
  const script = path.join(REPO_ROOT, 'tooling/scripts/test-images.sh');
  const out = execFileSync('bash', [script, ...(options.large ? ['--large'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const vars = new Map(out.trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
  const need = (key: string) => {
    const value = vars.get(key);
    if (!value) throw new Error(`tooling/scripts/test-images.sh did not print ${key}; output:\n${out}`);
    return value;
  };
  cached = {
    layout: need('METALOR_TEST_LAYOUT'),
    amd64: need('METALOR_TEST_IMAGE_AMD64'),
    arm64: need('METALOR_TEST_IMAGE_ARM64'),
    multi: need('METALOR_TEST_IMAGE_MULTI'),
    dockerArchive: need('METALOR_TEST_IMAGE_DOCKER_ARCHIVE'),
    ociArchive: need('METALOR_TEST_IMAGE_OCI_ARCHIVE'),
    large: vars.get('METALOR_TEST_IMAGE_LARGE'),
  };
  return cached;
}

/** The ELF e_machine of a file: 62 = x86_64, 183 = aarch64, 243 = riscv64. */
export async function elfMachine(file: string): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const { buffer } = await handle.read(Buffer.alloc(20), 0, 20, 0);
    if (buffer.subarray(0, 4).toString('latin1') !== '\x7fELF') throw new Error(`${file} is not an ELF file`);
    return buffer.readUInt16LE(18);
  } finally {
    await handle.close();
  }
}

export const ELF_MACHINE = { amd64: 62, arm64: 183 } as const;

/** A fresh temporary directory (realpath'd) for one test file; remove with `rmSync`. */
export function makeScratch(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `metalor-${name}-`));
  return execFileSync('realpath', [dir], { encoding: 'utf8' }).trim();
}

/**
 * A PATH-first `skopeo` wrapper that appends one line per call to `<dir>/skopeo-calls`
 * and then runs the real skopeo. With `METALOR_TEST_SKOPEO_HANG=<file>` it runs the real
 * copy, touches `<file>`, and hangs (so a test can kill the caller mid-population).
 */
export function makeSkopeoCounter(dir: string): { binDir: string; calls: () => number } {
  const binDir = path.join(dir, 'bin');
  mkdirSync(binDir, { recursive: true });
  const real = execFileSync('sh', ['-c', 'command -v skopeo'], { encoding: 'utf8' }).trim();
  const counter = path.join(dir, 'skopeo-calls');
  writeFileSync(
    path.join(binDir, 'skopeo'),
    `#!/bin/sh\necho "$*" >> '${counter}'\n"${real}" "$@" || exit $?\nif [ -n "$METALOR_TEST_SKOPEO_HANG" ]; then touch "$METALOR_TEST_SKOPEO_HANG"; exec sleep 600; fi\n`,
  );
  chmodSync(path.join(binDir, 'skopeo'), 0o755);
  const calls = () => {
    try {
      return execFileSync('cat', [counter], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean).length;
    } catch {
      return 0;
    }
  };
  return { binDir, calls };
}

/** Remove a scratch directory. */
export function removeScratch(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** Mount lines (from /proc/self/mountinfo) that mention `needle`. */
export function mountsMentioning(needle: string): string[] {
  return execFileSync('cat', ['/proc/self/mountinfo'], { encoding: 'utf8' }).split('\n').filter((line) => line.includes(needle));
}
