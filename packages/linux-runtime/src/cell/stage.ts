import { buildCellRequestPath, prepareWorkerJob, validateBuildCellSpec, writeBuildCellRequest, type BuildCellSpec } from '@metalor/cell-spec';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { LinuxRuntimeError } from '../errors.js';
import { assertEntry, runnerEnvironment, unshareFlags } from '../exec/plan.js';
import { prepareRuntimeRoot } from '../exec/prepare-root.js';
import type { CommandPlan, LinuxNamespaceBackend } from '../exec/types.js';
import { assertBackend } from '../exec/validate-command.js';
import { assertNoSymlinkComponents, assertPathUnderPrefix, canonicalizeRuntimeRootPrefix, isStrictlyBelow, resetDirectoryUnder } from '../paths/index.js';
import { writeCellRunnerArgs } from './runner-sidecar.js';

/** Refuse a root and scratch that are equal or nested in either direction. */
function assertDistinct(root: string, scratch: string): void {
  if (root === scratch || isStrictlyBelow(root, scratch) || isStrictlyBelow(scratch, root)) {
    throw new LinuxRuntimeError('ERR_METALOR_SCRATCH_OVERLAPS_ROOT', `scratch ${JSON.stringify(scratch)} and root ${JSON.stringify(root)} overlap: expected two distinct, non-nested directories`);
  }
}

/**
 * The crate's scratch layout expressed as a worker job rooted at scratch: the workspace
 * at `/workspace`, import i at `/imports/<i>`, cache i at `/caches/<i>`. Staging and
 * sync-back then reuse @metalor/cell-spec's hardened copies, safe archive unpacking and
 * atomic replacement.
 */
export function scratchJobSpec(spec: BuildCellSpec): BuildCellSpec {
  return {
    ...spec,
    workspacePath: '/workspace',
    imports: (spec.imports ?? []).map((entry, index) => ({ source: entry.source, destination: `/imports/${index}` })),
    caches: (spec.caches ?? []).map((entry, index) => ({ source: entry.source, destination: `/caches/${index}` })),
    exports: [],
  };
}

/** Reset scratch and lay the seed, imports and caches into it. */
async function stageScratch(prefix: string, spec: BuildCellSpec): Promise<void> {
  await resetDirectoryUnder(prefix, spec.scratch);
  await prepareWorkerJob(spec.scratch, scratchJobSpec(spec));
  await mkdir(path.join(spec.scratch, 'imports'), { recursive: true });
  await mkdir(path.join(spec.scratch, 'caches'), { recursive: true });
}

/**
 * Plan a build cell: validates the spec, prepares root and scratch below the canonical
 * prefix (distinct, not nested), resets and stages scratch (`workspace/`,
 * `imports/<i>`, `caches/<i>`), writes the request to `buildCellRequestPath(scratch)`
 * (plus the sh runner's argument file beside it), and returns the `unshare` plan with
 * trailing `--build-cell-request <path>`; `--net` comes before `--` when the network is disabled.
 *
 * @throws {CellSpecError} for an invalid spec, and from staging (`prepareWorkerJob`): a refused
 *   archive entry, `ERR_METALOR_IMPORT_MISSING`, `ERR_METALOR_SEED_NOT_DIRECTORY`, `ERR_METALOR_COPY_FAILED`.
 * @throws {LinuxRuntimeError} `ERR_METALOR_SCRATCH_OVERLAPS_ROOT`, `ERR_METALOR_PATH_OUTSIDE_PREFIX`,
 *   `ERR_METALOR_SYMLINK_COMPONENT`, `ERR_METALOR_ENTRY_INVALID`, `ERR_METALOR_BACKEND_INVALID`.
 */
export async function buildCellReexecCommand(
  entry: string[],
  runtimeRootPrefix: string,
  spec: BuildCellSpec,
  backend: LinuxNamespaceBackend = 'privileged',
): Promise<CommandPlan> {
  assertEntry(entry);
  assertBackend(backend);
  validateBuildCellSpec(spec);
  const prefix = await canonicalizeRuntimeRootPrefix(runtimeRootPrefix);
  const root = assertPathUnderPrefix(spec.root, prefix, 'runtime root');
  const scratch = assertPathUnderPrefix(spec.scratch, prefix, 'scratch');
  assertDistinct(root, scratch);
  await assertNoSymlinkComponents(scratch, prefix);
  await prepareRuntimeRoot(prefix, root);
  await stageScratch(prefix, spec);
  const requestPath = buildCellRequestPath(spec.scratch);
  await writeBuildCellRequest(requestPath, spec);
  await writeCellRunnerArgs(spec);
  return {
    file: 'unshare',
    args: [...unshareFlags(backend, spec.network === 'disabled'), ...entry, '--build-cell-request', requestPath],
    env: await runnerEnvironment(prefix),
  };
}
