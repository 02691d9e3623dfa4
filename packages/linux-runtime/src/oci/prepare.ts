import { chmod, copyFile, mkdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  assertNoSymlinkComponents,
  assertPathUnderPrefix,
  canonicalizeRuntimeRootPrefix,
  ensureDirectoryUnder,
  lstatOrNull,
  removeTree,
  resetDirectoryUnder,
} from '../paths/index.js';
import { ensureCacheEntry, type OciCacheEntry } from './layout-cache.js';
import { normalizePrepareOptions, type NormalizedPrepareOptions, type PrepareOciRootfsOptions } from './options.js';
import { copyImage, unpackImage } from './populate.js';
import { emitProgress } from './progress.js';
import { normalizeOciReference } from './reference.js';
import { assertViewablePath, writeRootfsView } from './rootfs-view.js';
import { throwIfAborted } from './run-tool.js';

/**
 * Prepare an OCI image as a root filesystem for `packageRoot` and return
 * `<packageRoot>/oci/bundle/rootfs`.
 *
 * Without `cacheRoot` (as the crate): `skopeo copy --multi-arch system [--override-arch A]`
 * into `<packageRoot>/oci/layout`, then `umoci unpack --rootless --keep-dirlinks` into
 * `<packageRoot>/oci/bundle`.
 *
 * With `cacheRoot` (beyond the crate): the layout and its unpacked rootfs are kept once per
 * (reference, arch) under a sha256 key, safely shared by concurrent processes. The returned
 * rootfs is then an empty mount point holding a `.metalor-view` descriptor of a copy-on-write
 * view (cached rootfs as lower layer, `<packageRoot>/oci/bundle/upper` for changes); the runner
 * mounts it inside the cell's private mount namespace, so nothing is copied or mounted on the
 * host and the cache is never changed.
 *
 * Every input is validated before anything is copied or created.
 *
 * @param reference - image reference; bare names get `docker://`, transports pass through.
 * @param runtimeRootPrefix - existing directory under which package roots must live.
 * @param packageRoot - host directory strictly below the prefix.
 * @throws {LinuxRuntimeError} `ERR_METALOR_OCI_REFERENCE_INVALID`, `ERR_METALOR_ARCH_UNSUPPORTED`,
 *   `ERR_METALOR_OPTIONS_INVALID`, the path codes (`ERR_METALOR_PATH_OUTSIDE_PREFIX`,
 *   `ERR_METALOR_SYMLINK_COMPONENT`, ...), `ERR_METALOR_VIEW_PATH_UNSUPPORTED`,
 *   `ERR_METALOR_TOOL_FAILED` ("copy OCI image X into Y" + stderr), `ERR_METALOR_TOOL_NOT_FOUND`,
 *   `ERR_METALOR_ABORTED`.
 */
export async function prepareOciRootfs(
  reference: string,
  runtimeRootPrefix: string,
  packageRoot: string,
  options?: PrepareOciRootfsOptions,
): Promise<string> {
  const started = performance.now();
  const source = normalizeOciReference(reference);
  const opts = normalizePrepareOptions(options);
  const prefix = await canonicalizeRuntimeRootPrefix(runtimeRootPrefix);
  const pkg = assertPathUnderPrefix(packageRoot, prefix, 'OCI package root');
  assertViewablePath(pkg, 'OCI package root');
  await assertNoSymlinkComponents(path.join(pkg, 'oci', 'bundle', 'rootfs'), prefix);
  throwIfAborted(opts.signal, `preparing OCI image ${source}`);
  const rootfs = opts.cacheRoot
    ? await prepareView(source, prefix, pkg, { ...opts, cacheRoot: opts.cacheRoot })
    : await preparePlain(source, prefix, pkg, opts);
  emitProgress(opts.onProgress, { type: 'done', rootfs, cached: opts.cacheRoot !== undefined, elapsedMs: performance.now() - started });
  return rootfs;
}

async function prepareView(source: string, prefix: string, pkg: string, opts: NormalizedPrepareOptions & { cacheRoot: string }): Promise<string> {
  await mkdir(opts.cacheRoot, { recursive: true });
  const cacheRoot = await realpath(opts.cacheRoot);
  assertViewablePath(cacheRoot, 'OCI cache root');
  const { entry, hit } = await ensureCacheEntry({ cacheRoot, source, arch: opts.arch, onProgress: opts.onProgress, signal: opts.signal });
  if (hit) emitProgress(opts.onProgress, { type: 'cache-hit', reference: source, entry: entry.dir });
  throwIfAborted(opts.signal, `preparing OCI image ${source}`);
  return createView(prefix, pkg, entry);
}

/** Reset `<pkg>/oci/bundle` to an empty mount point, upper and work dirs, and the descriptor. */
async function createView(prefix: string, pkg: string, entry: OciCacheEntry): Promise<string> {
  const bundle = path.join(pkg, 'oci', 'bundle');
  await resetDirectoryUnder(prefix, bundle, 0o700);
  const [rootfs, upperdir, workdir] = ['rootfs', 'upper', 'work'].map((name) => path.join(bundle, name)) as [string, string, string];
  const lowerMode = (await stat(entry.rootfs)).mode & 0o7777;
  await Promise.all([mkdir(rootfs, { mode: 0o755 }), mkdir(upperdir), mkdir(workdir, { mode: 0o700 })]);
  // The merged root takes its mode from the upper root directory.
  await chmod(upperdir, lowerMode);
  await copyFile(path.join(entry.bundle, 'config.json'), path.join(bundle, 'config.json')).catch(() => undefined);
  await writeRootfsView(rootfs, { lowerdir: entry.rootfs, upperdir, workdir });
  return rootfs;
}

/** The crate's way: copy and unpack into the package root. Undoes what it created on failure. */
async function preparePlain(source: string, prefix: string, pkg: string, opts: NormalizedPrepareOptions): Promise<string> {
  const oci = path.join(pkg, 'oci');
  const created = await firstMissing(prefix, oci);
  const layout = path.join(oci, 'layout');
  const bundle = path.join(oci, 'bundle');
  try {
    await ensureDirectoryUnder(prefix, oci);
    await Promise.all([removeTree(layout), removeTree(bundle)]);
    await copyImage(source, layout, opts.arch, opts.onProgress, opts.signal);
    await unpackImage(layout, bundle, opts.onProgress, opts.signal);
  } catch (error) {
    if (created !== null) await removeTree(created);
    throw error;
  }
  return path.join(bundle, 'rootfs');
}

/** The highest component of `target` below `prefix` that does not exist yet, or null. */
async function firstMissing(prefix: string, target: string): Promise<string | null> {
  let current = prefix;
  for (const part of path.relative(prefix, target).split('/')) {
    current = path.join(current, part);
    if ((await lstatOrNull(current)) === null) return current;
  }
  return null;
}
