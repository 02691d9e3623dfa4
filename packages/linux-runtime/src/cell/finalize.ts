import type { BuildCellResult, BuildCellSpec } from '@metalor/cell-spec';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { LinuxRuntimeError } from '../errors.js';
import { readRootfsView, resolveRootfsViewPath, listRootfsViewDirectory, type RootfsView } from '../oci/rootfs-view.js';
import { lstatOrNull } from '../paths/index.js';
import { cellPathCovers } from '../exec/validate-command.js';
import { copyTree, replaceWithCopy } from './copy-tree.js';
import { stagedMounts } from './staged-paths.js';

/** Copy a directory of a copy-on-write view, merged (upper wins, whiteouts dropped), to `destination`. */
async function copyViewDirectory(view: RootfsView, cellPath: string, destination: string): Promise<void> {
  await mkdir(destination, { mode: 0o755 });
  for (const entry of (await listRootfsViewDirectory(view, cellPath)) ?? []) {
    const childCell = path.posix.join(cellPath, entry.name);
    const stats = await lstatOrNull(entry.hostPath);
    if (stats?.isDirectory()) await copyViewDirectory(view, childCell, path.join(destination, entry.name));
    else await copyTree(entry.hostPath, path.join(destination, entry.name));
  }
}

/**
 * Host location of an export's source: through the deepest staged mount that covers it,
 * else under the root (through the copy-on-write view when the root has one).
 */
async function locateExport(spec: BuildCellSpec, view: RootfsView | null, cellPath: string): Promise<{ hostPath: string | null; viewPath?: string }> {
  const covering = stagedMounts(spec).filter((mount) => cellPathCovers(mount.cellPath, cellPath)).pop();
  if (covering) {
    const relative = path.posix.relative(covering.cellPath.replace(/\/+$/, '') || '/', cellPath);
    return { hostPath: relative ? path.join(covering.hostPath, relative) : covering.hostPath };
  }
  if (view) return { hostPath: await resolveRootfsViewPath(view, cellPath), viewPath: cellPath };
  return { hostPath: path.join(spec.root, cellPath) };
}

async function exportOne(spec: BuildCellSpec, view: RootfsView | null, source: string, destination: string, succeeded: boolean): Promise<void> {
  const located = await locateExport(spec, view, source);
  const stats = located.hostPath ? await lstatOrNull(located.hostPath) : null;
  if (!stats) {
    if (!succeeded) return;
    throw new LinuxRuntimeError('ERR_METALOR_EXPORT_MISSING', `export source ${JSON.stringify(source)} does not exist in the cell: expected the command to create it`);
  }
  await mkdir(path.dirname(destination), { recursive: true });
  if (located.viewPath && stats.isDirectory()) {
    const staging = path.join(path.dirname(destination), `.${path.basename(destination)}.metalor-view-${process.pid}`);
    await rm(staging, { recursive: true, force: true });
    try {
      await copyViewDirectory(view as RootfsView, located.viewPath, staging);
      await replaceWithCopy(staging, destination);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    return;
  }
  await replaceWithCopy(located.hostPath as string, destination);
}

/**
 * After a cell ran: sync each cache back to its source, copy each export to its host
 * destination (looked up through the deepest staged mount that covers it, else under
 * the root — through the copy-on-write view when there is one), then apply the cleanup
 * policy to scratch. A missing export is an error only when `succeeded`. Each
 * destination is replaced whole: a copy is completed beside it before the swap.
 *
 * @returns whether scratch was kept.
 * @throws {LinuxRuntimeError} `ERR_METALOR_EXPORT_MISSING`, `ERR_METALOR_COPY_FAILED`, `ERR_METALOR_VIEW_INVALID`.
 */
export async function finalizeBuildCell(spec: BuildCellSpec, succeeded: boolean): Promise<BuildCellResult> {
  let failure: unknown = null;
  try {
    for (const [index, cache] of (spec.caches ?? []).entries()) {
      const staged = path.join(spec.scratch, 'caches', String(index));
      if (await lstatOrNull(staged)) {
        await mkdir(path.dirname(cache.source), { recursive: true });
        await replaceWithCopy(staged, cache.source);
      }
    }
    const view = await readRootfsView(spec.root);
    for (const entry of spec.exports ?? []) await exportOne(spec, view, entry.source, entry.destination, succeeded);
  } catch (error) {
    failure = error;
  }
  const keep = spec.cleanup === 'never' || (spec.cleanup === 'preserveOnFailure' && (!succeeded || failure !== null));
  if (!keep) await rm(spec.scratch, { recursive: true, force: true });
  if (failure) throw failure;
  return { scratchPreserved: keep };
}

