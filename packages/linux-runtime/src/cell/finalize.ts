import { copyWorkerExports, syncWorkerCaches, type BuildCellResult, type BuildCellSpec, type WorkerJob } from '@metalor/cell-spec';
import { cp, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { readRootfsView, resolveRootfsViewPath, listRootfsViewDirectory, type RootfsView } from '../oci/rootfs-view.js';
import { lstatOrNull } from '../paths/index.js';
import { cellPathCovers } from '../exec/validate-command.js';
import { scratchJobSpec } from './stage.js';
import { stagedMounts } from './staged-paths.js';

/** Where an export is read from, as a worker job (root) and a path inside it. */
interface ExportSource {
  job: WorkerJob;
  path: string;
}

const HOST: WorkerJob = { root: '/' };

/** Copy a directory of a copy-on-write view, merged (upper wins, whiteouts dropped), to `destination`. */
async function copyViewDirectory(view: RootfsView, cellPath: string, destination: string): Promise<void> {
  await mkdir(destination, { mode: 0o755 });
  for (const entry of (await listRootfsViewDirectory(view, cellPath)) ?? []) {
    const childCell = path.posix.join(cellPath, entry.name);
    const stats = await lstatOrNull(entry.hostPath);
    if (stats?.isDirectory()) await copyViewDirectory(view, childCell, path.join(destination, entry.name));
    else await cp(entry.hostPath, path.join(destination, entry.name), { preserveTimestamps: true, verbatimSymlinks: true });
  }
}

/**
 * Find an export's source: through the deepest staged mount that covers it (a path in
 * the scratch job), else under the root — through the copy-on-write view when there is
 * one (a merged directory is assembled in scratch first).
 */
async function locateExport(spec: BuildCellSpec, view: RootfsView | null, cellPath: string, index: number): Promise<ExportSource | null> {
  const covering = stagedMounts(spec).filter((mount) => cellPathCovers(mount.cellPath, cellPath)).pop();
  if (covering) {
    const relative = path.posix.relative(covering.cellPath.replace(/\/+$/, '') || '/', cellPath);
    return { job: { root: spec.scratch }, path: path.posix.join('/', path.relative(spec.scratch, covering.hostPath), relative) };
  }
  if (!view) return { job: { root: spec.root }, path: cellPath };
  const hostPath = await resolveRootfsViewPath(view, cellPath);
  if (hostPath === null) return null;
  if (!(await lstatOrNull(hostPath))?.isDirectory()) return { job: HOST, path: hostPath };
  const merged = path.join(spec.scratch, 'view-exports', String(index));
  await rm(merged, { recursive: true, force: true });
  await mkdir(path.dirname(merged), { recursive: true });
  await copyViewDirectory(view, cellPath, merged);
  return { job: { root: spec.scratch }, path: `/view-exports/${index}` };
}

/**
 * After a cell ran: sync each cache back to its source, copy each export to its host
 * destination (looked up through the deepest staged mount that covers it, else under
 * the root — through the copy-on-write view when there is one), then apply the cleanup
 * policy to scratch. A missing export is an error only when `succeeded`. Copies and
 * atomic replacement are @metalor/cell-spec's (`syncWorkerCaches`, `copyWorkerExports`):
 * each destination holds its old or its complete new content, never a mix.
 *
 * @returns whether scratch was kept.
 * @throws {CellSpecError} `ERR_METALOR_EXPORT_MISSING`, `ERR_METALOR_CACHE_MISSING`,
 *   `ERR_METALOR_DESTINATION_SYMLINK`, `ERR_METALOR_COPY_FAILED`.
 * @throws {LinuxRuntimeError} `ERR_METALOR_VIEW_INVALID` for a broken copy-on-write root.
 */
export async function finalizeBuildCell(spec: BuildCellSpec, succeeded: boolean): Promise<BuildCellResult> {
  let failure: unknown = null;
  try {
    const jobSpec = scratchJobSpec(spec);
    await syncWorkerCaches(jobSpec, { root: spec.scratch });
    const view = await readRootfsView(spec.root);
    for (const [index, entry] of (spec.exports ?? []).entries()) {
      const source = await locateExport(spec, view, entry.source, index);
      const exportSpec = { ...jobSpec, caches: [], exports: [{ source: source?.path ?? entry.source, destination: entry.destination }] };
      // A path the view deleted is looked up where nothing can exist, so "missing" is reported as usual.
      await copyWorkerExports(exportSpec, source?.job ?? { root: path.join(spec.scratch, 'view-deleted') }, succeeded);
    }
  } catch (error) {
    failure = error;
  }
  const keep = spec.cleanup === 'never' || (spec.cleanup === 'preserveOnFailure' && (!succeeded || failure !== null));
  if (!keep) await rm(spec.scratch, { recursive: true, force: true });
  if (failure) throw failure;
  return { scratchPreserved: keep };
}
