import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, readdir, realpath, rm, symlink } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../oci/images.js';

const BUSYBOX = '/bin/busybox';
let applets: string[] | undefined;

/** Throw loudly when the host lacks a tool the tests need. */
export function requireHostTool(file: string, why: string): void {
  if (!existsSync(file)) throw new Error(`this test needs ${file} (${why}); run tooling/scripts/setup.sh`);
}

function busyboxApplets(): string[] {
  requireHostTool(BUSYBOX, 'static busybox from the busybox-static Debian package');
  applets ??= execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n').filter((name) => name && name !== 'busybox');
  return applets;
}

/** A fresh canonical runtime root prefix under the OS temp dir. */
export async function makePrefix(label = 'exec'): Promise<string> {
  return realpath(await mkdtemp(path.join(os.tmpdir(), `metalor-${label}-`)));
}

/** Remove a prefix made by {@link makePrefix}. */
export async function removePrefix(prefix: string): Promise<void> {
  await rm(prefix, { recursive: true, force: true });
}

async function linkApplets(root: string): Promise<void> {
  await Promise.all(busyboxApplets().map((name) => symlink('busybox', path.join(root, 'bin', name)).catch(() => undefined)));
  for (const dir of ['etc', 'tmp', 'proc', 'dev']) await mkdir(path.join(root, dir), { recursive: true });
  await chmod(path.join(root, 'tmp'), 0o1777);
}

/** A minimal root: the host's static busybox with every applet linked in /bin. */
export async function busyboxRoot(prefix: string, name = 'root'): Promise<string> {
  const root = path.join(prefix, name);
  await mkdir(path.join(root, 'bin'), { recursive: true });
  await copyFile(BUSYBOX, path.join(root, 'bin', 'busybox'));
  await chmod(path.join(root, 'bin', 'busybox'), 0o755);
  await linkApplets(root);
  return root;
}

/** An arm64 root: busybox from `.cache/debs/busybox-static_*_arm64.deb`. */
export async function arm64BusyboxRoot(prefix: string, name = 'arm64-root'): Promise<string> {
  const debs = path.join(REPO_ROOT, '.cache', 'debs');
  const deb = existsSync(debs) ? readdirSync(debs).find((file) => /^busybox-static_.*_arm64\.deb$/.test(file)) : undefined;
  if (!deb) throw new Error(`this test needs ${debs}/busybox-static_*_arm64.deb; run tooling/scripts/setup.sh`);
  const unpacked = path.join(prefix, `${name}-deb`);
  execFileSync('dpkg-deb', ['-x', path.join(debs, deb), unpacked]);
  const root = path.join(prefix, name);
  await mkdir(path.join(root, 'bin'), { recursive: true });
  await copyFile(path.join(unpacked, 'bin', 'busybox'), path.join(root, 'bin', 'busybox'));
  await rm(unpacked, { recursive: true, force: true });
  await linkApplets(root);
  return root;
}

/** Lines of this process's mountinfo that mention `needle` (a prefix path). */
export async function hostMountsMentioning(needle: string): Promise<string[]> {
  return (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').filter((line) => line.includes(needle));
}

/** Pids of live processes whose command line contains `marker`. */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (cmdline.includes(marker) && !/\) Z /.test(stat)) found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}

/** Entries of a directory (sorted), or null when it is missing. */
export async function listOrNull(dir: string): Promise<string[] | null> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return null;
  }
}

/** Entry argv that re-enters `support/inner-entry.ts` under Node (through tsx), for the Node inner API. */
export function nodeInnerEntry(): string[] {
  const tsx = import.meta.resolve('tsx/esm');
  return [process.execPath, '--import', tsx, '--conditions=@metalor/source', path.join(path.dirname(new URL(import.meta.url).pathname), 'inner-entry.ts')];
}
