import { lstat } from 'node:fs/promises';
import { CellSpecError } from '../errors.js';
import type { BuildCellSpec } from '../spec/types.js';
import { validateBuildCellSpec } from '../spec/validate.js';
import { replaceAtomically } from '../safety/atomic-replace.js';
import { checkHostDestination } from '../safety/host-destination.js';
import { resolveInJobRoot } from '../safety/job-path.js';
import type { WorkerJob } from './worker-job.js';

const present = (file: string) => lstat(file).then(
  () => true,
  () => false,
);

/**
 * Copies each cache back from the job to its host source, atomically per cache: the
 * source holds its complete old content or the complete new one, even if the process
 * is killed part way (an interrupted swap is rolled back by the next call).
 *
 * @throws {CellSpecError} validation codes; `ERR_METALOR_DESTINATION_SYMLINK` when a cache
 * source is a symlink (checked for every cache before anything is written);
 * `ERR_METALOR_CACHE_MISSING` when the command removed a cache; `ERR_METALOR_CELL_PATH_NOT_DIRECTORY`;
 * `ERR_METALOR_COPY_FAILED`.
 */
export async function syncWorkerCaches(spec: BuildCellSpec, job: WorkerJob): Promise<void> {
  validateBuildCellSpec(spec);
  for (const cache of spec.caches) await checkHostDestination(cache.source, 'build cache source');
  for (const cache of spec.caches) {
    const staged = await resolveInJobRoot(job.root, cache.destination, 'build cache destination');
    if (!(await present(staged))) {
      throw new CellSpecError(
        'ERR_METALOR_CACHE_MISSING',
        `build cache ${JSON.stringify(cache.destination)} is missing from the job at ${JSON.stringify(staged)}: expected it to sync back to ${JSON.stringify(cache.source)}`,
      );
    }
    await replaceAtomically(staged, cache.source);
  }
}

/**
 * Copies each export from the job to its host destination, atomically per destination.
 * A missing export is an error only when `succeeded` is true; after a failed command
 * it is skipped. An export path is resolved as the cell saw it but confined to the job
 * root: a symlink among its parents is followed inside the job, never out to the host.
 * The export itself, and every link inside it, is copied as a link, never followed.
 *
 * @throws {CellSpecError} validation codes; `ERR_METALOR_DESTINATION_SYMLINK` (checked for
 * every export before anything is written); `ERR_METALOR_EXPORT_MISSING`;
 * `ERR_METALOR_CELL_PATH_NOT_DIRECTORY`; `ERR_METALOR_COPY_FAILED`.
 */
export async function copyWorkerExports(spec: BuildCellSpec, job: WorkerJob, succeeded: boolean): Promise<void> {
  validateBuildCellSpec(spec);
  for (const entry of spec.exports) await checkHostDestination(entry.destination, 'build export destination');
  for (const entry of spec.exports) {
    const source = await resolveInJobRoot(job.root, entry.source, 'build export source');
    if (!(await present(source))) {
      if (!succeeded) continue;
      throw new CellSpecError(
        'ERR_METALOR_EXPORT_MISSING',
        `expected build export ${JSON.stringify(entry.source)} to exist at ${JSON.stringify(source)} after the command succeeded`,
      );
    }
    await replaceAtomically(source, entry.destination);
  }
}
