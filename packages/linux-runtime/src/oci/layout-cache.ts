import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lstatOrNull, removeTree } from '../paths/index.js';
import { lockFile } from './entry-lock.js';
import { addMountTargets } from './mount-targets.js';
import { copyImage, unpackImage } from './populate.js';
import type { OciProgressListener } from './progress.js';
import { throwIfAborted } from './run-tool.js';
import { sourceFingerprint } from './source-fingerprint.js';

/** A ready cache entry: the copied layout and its unpacked bundle. */
export interface OciCacheEntry {
  /** `<cacheRoot>/<sha256 key>` */
  dir: string;
  /** The OCI layout (tag `image`). */
  layout: string;
  /** The umoci bundle (`config.json`, `rootfs/`). */
  bundle: string;
  /** The unpacked rootfs: the read-only lower layer of every view. */
  rootfs: string;
}

const IDENTITY_FILE = 'identity';
const LOCK_DIR = '.locks';

/**
 * What an entry was made for; a different text means a stale entry. Format 2 adds the
 * source fingerprint of local references (and entries carry the runner's mount targets).
 */
export function cacheIdentity(source: string, arch: string | undefined, fingerprint: string | null = null): string {
  return `metalor-oci-cache 2\nreference=${source}\narch=${arch ?? 'system'}\n${fingerprint === null ? '' : `source=${fingerprint}\n`}`;
}

/**
 * The sha256 hex key of a (reference, arch) pair: one entry per pair, rebuilt in place when
 * its identity changes (a rebuilt local image), so the cache does not grow with rebuilds.
 */
export function cacheKey(source: string, arch: string | undefined): string {
  return createHash('sha256').update(`metalor-oci-cache 1\nreference=${source}\narch=${arch ?? 'system'}\n`).digest('hex');
}

function entryPaths(dir: string): OciCacheEntry {
  const bundle = path.join(dir, 'bundle');
  return { dir, layout: path.join(dir, 'layout'), bundle, rootfs: path.join(bundle, 'rootfs') };
}

/** An entry is usable when its identity matches and the layout and rootfs are there. */
async function isUsable(entry: OciCacheEntry, identity: string): Promise<boolean> {
  const text = await readFile(path.join(entry.dir, IDENTITY_FILE), 'utf8').catch(() => null);
  if (text !== identity) return false;
  const [index, rootfs] = await Promise.all([lstatOrNull(path.join(entry.layout, 'index.json')), lstatOrNull(entry.rootfs)]);
  return Boolean(index?.isFile() && rootfs?.isDirectory() && !rootfs.isSymbolicLink());
}

/** Options of {@link ensureCacheEntry}. */
export interface EnsureCacheEntryOptions {
  cacheRoot: string;
  source: string;
  arch: string | undefined;
  onProgress?: OciProgressListener | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Return a usable entry for (source, arch), populating it when missing, stale or corrupt.
 * A usable entry is read without locking (entries only ever appear by rename, complete);
 * population holds the entry's lock, builds in a temporary directory and renames it in.
 *
 * @throws {LinuxRuntimeError} the copy/unpack errors, `ERR_METALOR_ABORTED`, lock errors.
 */
export async function ensureCacheEntry(options: EnsureCacheEntryOptions): Promise<{ entry: OciCacheEntry; hit: boolean }> {
  const { cacheRoot, source, arch, onProgress, signal } = options;
  const key = cacheKey(source, arch);
  const identity = cacheIdentity(source, arch, await sourceFingerprint(source));
  const entry = entryPaths(path.join(cacheRoot, key));
  if (await isUsable(entry, identity)) return { entry, hit: true };
  await mkdir(path.join(cacheRoot, LOCK_DIR), { recursive: true });
  const release = await lockFile(path.join(cacheRoot, LOCK_DIR, `${key}.lock`), signal);
  try {
    if (await isUsable(entry, identity)) return { entry, hit: true };
    await removeLeftovers(cacheRoot, key);
    throwIfAborted(signal, `preparing OCI image ${source}`);
    await populate(cacheRoot, key, entry, identity, { source, arch, onProgress, signal });
    return { entry, hit: false };
  } finally {
    await release();
  }
}

/** Temporary and trash directories of interrupted holders of this entry's lock (we hold it now). */
async function removeLeftovers(cacheRoot: string, key: string): Promise<void> {
  const names = await readdir(cacheRoot);
  const stale = names.filter((name) => name.startsWith(`.tmp-${key}-`) || name.startsWith(`.trash-${key}-`));
  await Promise.all(stale.map((name) => removeTree(path.join(cacheRoot, name))));
}

async function populate(
  cacheRoot: string,
  key: string,
  entry: OciCacheEntry,
  identity: string,
  job: { source: string; arch: string | undefined; onProgress?: OciProgressListener | undefined; signal?: AbortSignal | undefined },
): Promise<void> {
  const temporary = entryPaths(path.join(cacheRoot, `.tmp-${key}-${randomBytes(6).toString('hex')}`));
  try {
    await mkdir(temporary.dir);
    await copyImage(job.source, temporary.layout, job.arch, job.onProgress, job.signal);
    await unpackImage(temporary.layout, temporary.bundle, job.onProgress, job.signal);
    await addMountTargets(temporary.rootfs);
    await writeFile(path.join(temporary.dir, IDENTITY_FILE), identity);
    await discardEntry(cacheRoot, key, entry.dir);
    await rename(temporary.dir, entry.dir);
  } catch (error) {
    await removeTree(temporary.dir);
    throw error;
  }
}

/** Move a stale entry out of the way in one rename, then delete it. */
async function discardEntry(cacheRoot: string, key: string, dir: string): Promise<void> {
  if ((await lstatOrNull(dir)) === null) return;
  const trash = path.join(cacheRoot, `.trash-${key}-${randomBytes(6).toString('hex')}`);
  await rename(dir, trash);
  await removeTree(trash);
}
