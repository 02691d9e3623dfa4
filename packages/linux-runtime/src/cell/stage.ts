import { buildCellRequestPath, validateBuildCellSpec, writeBuildCellRequest, type BuildCellSpec } from '@metalor/cell-spec';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import * as tar from 'tar';
import { LinuxRuntimeError } from '../errors.js';
import { assertEntry, runnerEnvironment, unshareFlags } from '../exec/plan.js';
import { prepareRuntimeRoot } from '../exec/prepare-root.js';
import type { CommandPlan, LinuxNamespaceBackend } from '../exec/types.js';
import { assertBackend } from '../exec/validate-command.js';
import { assertNoSymlinkComponents, assertPathUnderPrefix, canonicalizeRuntimeRootPrefix, isStrictlyBelow, lstatOrNull, resetDirectoryUnder } from '../paths/index.js';
import { copyTree } from './copy-tree.js';
import { writeCellRunnerArgs } from './runner-sidecar.js';
import { stagedWorkspace } from './staged-paths.js';

/** Refuse a root and scratch that are equal or nested in either direction. */
function assertDistinct(root: string, scratch: string): void {
  if (root === scratch || isStrictlyBelow(root, scratch) || isStrictlyBelow(scratch, root)) {
    throw new LinuxRuntimeError('ERR_METALOR_SCRATCH_OVERLAPS_ROOT', `scratch ${JSON.stringify(scratch)} and root ${JSON.stringify(root)} overlap: expected two distinct, non-nested directories`);
  }
}

const REFUSED_TYPES = new Set(['CharacterDevice', 'BlockDevice', 'FIFO']);

/** Why an archive entry must not be unpacked, or null when it is fine. */
function archiveEntryProblem(entryPath: string, entry: { type: string; linkpath?: string }): string | null {
  if (REFUSED_TYPES.has(entry.type)) return `is a ${entry.type}`;
  if ((entry.type === 'SymbolicLink' || entry.type === 'Link') && entry.linkpath !== undefined) {
    const link = entry.linkpath;
    const base = entry.type === 'Link' ? '.' : path.posix.dirname(entryPath);
    const resolved = path.posix.normalize(path.posix.join(base, link));
    if (path.posix.isAbsolute(link) || resolved === '..' || resolved.startsWith('../')) return `links outside the workspace (${JSON.stringify(link)})`;
  }
  return null;
}

async function unpackArchive(archive: string, destination: string): Promise<void> {
  let refused: string | null = null;
  try {
    await tar.x({
      file: archive,
      cwd: destination,
      strict: true,
      preservePaths: false,
      filter: (entryPath, entry) => {
        const problem = archiveEntryProblem(entryPath, entry as { type: string; linkpath?: string });
        if (problem && refused === null) refused = `archive entry ${JSON.stringify(entryPath)} ${problem}`;
        return problem === null;
      },
    });
  } catch (error) {
    throw new LinuxRuntimeError('ERR_METALOR_ARCHIVE_INVALID', `cannot unpack workspace archive ${JSON.stringify(archive)}: ${(error as Error).message}`, { cause: error });
  }
  if (refused !== null) {
    throw new LinuxRuntimeError('ERR_METALOR_ARCHIVE_INVALID', `${refused} in ${JSON.stringify(archive)}: expected regular files, directories and links inside the workspace`);
  }
}

/** Lay the seed, imports and caches into a freshly reset scratch. */
async function stageScratch(prefix: string, spec: BuildCellSpec): Promise<void> {
  await resetDirectoryUnder(prefix, spec.scratch);
  const workspace = stagedWorkspace(spec.scratch);
  const seed = spec.workspaceSeed;
  if (seed.kind === 'snapshotDir') {
    await copyTree(seed.path, workspace);
  } else {
    await mkdir(workspace, { mode: 0o755 });
    if (seed.kind === 'archive') await unpackArchive(seed.path, workspace);
  }
  await mkdir(path.join(spec.scratch, 'imports'));
  await mkdir(path.join(spec.scratch, 'caches'));
  for (const [index, entry] of (spec.imports ?? []).entries()) {
    if (!(await lstatOrNull(entry.source))) {
      throw new LinuxRuntimeError('ERR_METALOR_IMPORT_MISSING', `import source ${JSON.stringify(entry.source)} does not exist: expected a file or directory to import`);
    }
    await copyTree(entry.source, path.join(spec.scratch, 'imports', String(index)));
  }
  for (const [index, entry] of (spec.caches ?? []).entries()) {
    const staged = path.join(spec.scratch, 'caches', String(index));
    if (await lstatOrNull(entry.source)) await copyTree(entry.source, staged);
    else await mkdir(staged, { mode: 0o755 });
  }
}

/**
 * Plan a build cell: validates the spec, prepares root and scratch below the canonical
 * prefix (distinct, not nested), resets and stages scratch (`workspace/`,
 * `imports/<i>`, `caches/<i>`), writes the request to `buildCellRequestPath(scratch)`
 * (plus the sh runner's argument file beside it), and returns the `unshare` plan with
 * trailing `--build-cell-request <path>`; `--net` comes before `--` when the network is disabled.
 *
 * @throws {CellSpecError} from `validateBuildCellSpec` for an invalid spec.
 * @throws {LinuxRuntimeError} `ERR_METALOR_SCRATCH_OVERLAPS_ROOT`, `ERR_METALOR_PATH_OUTSIDE_PREFIX`,
 *   `ERR_METALOR_SYMLINK_COMPONENT`, `ERR_METALOR_ARCHIVE_INVALID`, `ERR_METALOR_IMPORT_MISSING`,
 *   `ERR_METALOR_COPY_FAILED`, `ERR_METALOR_ENTRY_INVALID`, `ERR_METALOR_BACKEND_INVALID`.
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
