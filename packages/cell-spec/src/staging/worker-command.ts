import { CellSpecError } from '../errors.js';
import { assertCellPath } from '../spec/paths.js';
import type { BuildCellSpec } from '../spec/types.js';
import { validateEnvironment, validateExecutable } from '../spec/validate.js';
import { ensureJobDirectorySync } from '../safety/job-path.js';
import type { WorkerJob } from './worker-job.js';

/** What to spawn for a worker job: `env` is the complete environment, not additions. */
export interface WorkerCommand {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/**
 * Builds the command of a worker job: the spec's executable and argv, cwd mapped under
 * the job root (created when missing), and exactly `spec.env` as environment (a later
 * duplicate key wins). Spawn it without inheriting the parent environment, e.g.
 * `execa(file, args, { cwd, env, extendEnv: false })`. Synchronous.
 *
 * @throws {CellSpecError} `ERR_METALOR_PATH_*` for a bad cwd, `ERR_METALOR_EXECUTABLE_INVALID`,
 * `ERR_METALOR_ENV_*`, `ERR_METALOR_CELL_PATH_SYMLINK` when the cwd passes through a symlink
 * in the job, `ERR_METALOR_COPY_FAILED` when it cannot be created.
 */
export function buildWorkerCommand(spec: BuildCellSpec, job: WorkerJob): WorkerCommand {
  assertCellPath(spec.command.cwd, 'build cell cwd');
  validateExecutable(spec.command.executable);
  validateEnvironment(spec.env);
  let cwd: string;
  try {
    cwd = ensureJobDirectorySync(job.root, spec.command.cwd, 'build cell cwd');
  } catch (error) {
    if (error instanceof CellSpecError) throw error;
    throw new CellSpecError('ERR_METALOR_COPY_FAILED', `failed to create cwd ${JSON.stringify(spec.command.cwd)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const env: Record<string, string> = {};
  for (const [key, value] of spec.env) env[key] = value;
  return { file: spec.command.executable, args: [...spec.command.argv], cwd, env };
}
