import { chmod, lstat, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { CellSpecError } from '../errors.js';
import { assertHostPath, assertNotRoot, hostPathComponents } from '../spec/paths.js';
import type { BuildCellSpec } from '../spec/types.js';
import { validateBuildCellSpec } from '../spec/validate.js';
import { mapCellPath, resolveJobPath } from '../safety/job-path.js';
import { unpackArchive } from '../safety/unpack-archive.js';
import { copyDirectoryContents, copyTree } from './copy-tree.js';

/** A prepared worker job: `root` is the host directory that stands in for the cell's `/`. */
export interface WorkerJob {
  readonly root: string;
}

/**
 * Maps a cell path to its host path under the job root (`/` maps to the root itself).
 * Pure: nothing is read or created.
 *
 * @throws {CellSpecError} `ERR_METALOR_PATH_NOT_ABSOLUTE`, `ERR_METALOR_PATH_PARENT_COMPONENT`
 * or `ERR_METALOR_PATH_BACKSLASH` when `cellPath` is not an absolute POSIX path without `..`.
 */
export function cellHostPath(job: WorkerJob, cellPath: string): string {
  return mapCellPath(job.root, cellPath).host;
}

/** Runs a file system step, turning its failure into a typed error that names both paths. */
export async function copyStep<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof CellSpecError) throw error;
    throw new CellSpecError('ERR_METALOR_COPY_FAILED', `failed to ${what}: ${(error as Error).message}`, { cause: error });
  }
}

async function sourceExists(source: string): Promise<boolean> {
  return lstat(source).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw new CellSpecError('ERR_METALOR_COPY_FAILED', `failed to inspect ${JSON.stringify(source)}: ${error.message}`, { cause: error });
    },
  );
}

async function stageSeed(spec: BuildCellSpec, workspace: string): Promise<void> {
  const seed = spec.workspaceSeed;
  if (seed.kind === 'archive') {
    await unpackArchive(seed.path, workspace);
    return;
  }
  if (seed.kind !== 'snapshotDir') return;
  const stat = await lstat(seed.path).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw new CellSpecError(
      'ERR_METALOR_SEED_NOT_DIRECTORY',
      `build workspace seed ${JSON.stringify(seed.path)} ${stat ? 'is not a directory' : 'does not exist'}: expected a directory to copy`,
    );
  }
  await copyStep(`copy workspace seed ${JSON.stringify(seed.path)} to ${JSON.stringify(workspace)}`, () =>
    copyDirectoryContents(seed.path, workspace),
  );
}

async function stageImport(job: WorkerJob, source: string, destination: string): Promise<void> {
  if (!(await sourceExists(source))) {
    throw new CellSpecError('ERR_METALOR_IMPORT_MISSING', `build import source ${JSON.stringify(source)} does not exist: expected a file or directory to copy`);
  }
  const host = await resolveJobPath(job.root, destination, 'build import destination');
  await copyStep(`copy import ${JSON.stringify(source)} to ${JSON.stringify(host)}`, async () => {
    await rm(host, { recursive: true, force: true });
    await copyTree(source, host);
  });
}

async function stageCache(job: WorkerJob, source: string, destination: string): Promise<void> {
  const host = await resolveJobPath(job.root, destination, 'build cache destination');
  const present = await sourceExists(source);
  await copyStep(`stage cache ${JSON.stringify(source)} at ${JSON.stringify(host)}`, async () => {
    if (!present) {
      await mkdir(host, { recursive: true });
      return;
    }
    await rm(host, { recursive: true, force: true });
    await copyTree(source, host);
  });
}

/** Refuses sources that contain the job root: copying one would copy the job into itself. */
function assertSourcesOutsideJob(jobRoot: string, spec: BuildCellSpec): void {
  const sources = [
    ...(spec.workspaceSeed.kind === 'snapshotDir' ? [{ what: 'build workspace seed', path: spec.workspaceSeed.path }] : []),
    ...spec.imports.map((entry) => ({ what: 'build import source', path: entry.source })),
    ...spec.caches.map((entry) => ({ what: 'build cache source', path: entry.source })),
  ];
  for (const source of sources) {
    const relative = path.relative(path.resolve(source.path), path.resolve(jobRoot));
    if (relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))) {
      throw new CellSpecError(
        'ERR_METALOR_SOURCE_CONTAINS_JOB',
        `${source.what} ${JSON.stringify(source.path)} contains the worker job root ${JSON.stringify(jobRoot)}: expected the job outside every source`,
      );
    }
  }
}

/**
 * Prepares a job for a worker without namespaces: resets `jobRoot` (removed and made
 * again), lays the workspace seed at the workspace path (a snapshot directory is copied,
 * an archive unpacked through the archive defences), copies each import to its
 * destination and each cache in, or creates the cache empty when its source does not
 * exist. Copies keep modes, times and symlinks (as links, never followed); nothing is
 * written through a symlink inside the job.
 *
 * @throws {CellSpecError} the {@link validateBuildCellSpec} codes; for `jobRoot` the path
 * codes; `ERR_METALOR_SEED_NOT_DIRECTORY`, the `ERR_METALOR_ARCHIVE_*` codes,
 * `ERR_METALOR_IMPORT_MISSING`, `ERR_METALOR_CELL_PATH_SYMLINK`,
 * `ERR_METALOR_CELL_PATH_NOT_DIRECTORY`, `ERR_METALOR_SPECIAL_FILE`, `ERR_METALOR_COPY_FAILED`,
 * `ERR_METALOR_SOURCE_CONTAINS_JOB` when a seed, import or cache source contains `jobRoot`
 * (checked before anything is removed).
 */
export async function prepareWorkerJob(jobRoot: string, spec: BuildCellSpec): Promise<WorkerJob> {
  validateBuildCellSpec(spec);
  assertHostPath(jobRoot, 'worker job root');
  assertNotRoot(jobRoot, hostPathComponents(jobRoot), 'worker job root');
  assertSourcesOutsideJob(jobRoot, spec);
  const job: WorkerJob = { root: jobRoot };
  await copyStep(`reset worker job root ${JSON.stringify(jobRoot)}`, async () => {
    await rm(jobRoot, { recursive: true, force: true });
    await mkdir(jobRoot, { recursive: true });
    await chmod(jobRoot, 0o755);
  });
  const workspace = await resolveJobPath(jobRoot, spec.workspacePath, 'build cell workspace path');
  await copyStep(`create workspace ${JSON.stringify(workspace)}`, () => mkdir(workspace, { recursive: true }));
  await stageSeed(spec, workspace);
  for (const entry of spec.imports) await stageImport(job, entry.source, entry.destination);
  for (const entry of spec.caches) await stageCache(job, entry.source, entry.destination);
  return job;
}
