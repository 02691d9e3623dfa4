import { readlink } from 'node:fs/promises';
import { LinuxRuntimeError } from '../errors.js';
import { canonicalizeRuntimeRootPrefix } from '../paths/index.js';
import { formatRunnerArgs } from './runner-args.js';
import { prepareRuntimeRoot } from './prepare-root.js';
import type { CommandPlan, ContainerRunCommand, LinuxNamespaceBackend } from './types.js';
import { assertBackend, validateContainerRunCommand } from './validate-command.js';

/** The `unshare` flags for a backend, `--net` when the network is off, ending with `--`. */
export function unshareFlags(backend: LinuxNamespaceBackend, disableNetwork = false): string[] {
  const flags = backend === 'rootlessUser'
    ? ['--fork', '--user', '--map-root-user', '--pid', '--mount', '--uts', '--ipc']
    : ['--fork', '--pid', '--mount', '--uts', '--ipc'];
  if (disableNetwork) flags.push('--net');
  flags.push('--');
  return flags;
}

/** The environment the inner runner checks: private-namespace marker, prefix, parent mount namespace. */
export async function runnerEnvironment(canonicalPrefix: string): Promise<Record<string, string>> {
  return {
    METALOR_PRIVATE_NS: '1',
    METALOR_RUNTIME_ROOT_PREFIX: canonicalPrefix,
    METALOR_PARENT_MOUNT_NS: await readlink('/proc/self/ns/mnt'),
  };
}

/** Refuse an empty entry or one with a non-string. */
export function assertEntry(entry: unknown): asserts entry is string[] {
  if (!Array.isArray(entry) || entry.length === 0 || entry.some((part) => typeof part !== 'string' || part === '')) {
    throw new LinuxRuntimeError('ERR_METALOR_ENTRY_INVALID', `entry ${JSON.stringify(entry)} is invalid: expected a non-empty argv such as [process.execPath, "/path/tool.js", "internal-run"]`);
  }
}

/**
 * Plan the re-exec of `entry` inside new namespaces to run `command`: validates it,
 * prepares the root below the canonical prefix and writes its sentinel, and returns
 * `unshare --fork --pid --mount --uts --ipc -- <entry> <runner args>` (rootless adds
 * `--user --map-root-user`) with the `METALOR_*` variables the runner checks.
 *
 * @param entry - argv that re-enters an inner runner, e.g. {@link linuxRunnerEntry}`()`.
 * @param runtimeRootPrefix - the directory every runtime root must live under.
 * @param command - what to run.
 * @param backend - `privileged` (default) or `rootlessUser`.
 * @throws {LinuxRuntimeError} the errors of {@link validateContainerRunCommand}, `ERR_METALOR_ENTRY_INVALID`,
 *   `ERR_METALOR_BACKEND_INVALID`, `ERR_METALOR_PREFIX_INVALID`, `ERR_METALOR_PATH_OUTSIDE_PREFIX`,
 *   `ERR_METALOR_SYMLINK_COMPONENT`, `ERR_METALOR_SENTINEL_INVALID`.
 */
export async function buildUnshareReexecCommand(
  entry: string[],
  runtimeRootPrefix: string,
  command: ContainerRunCommand,
  backend: LinuxNamespaceBackend = 'privileged',
): Promise<CommandPlan> {
  assertEntry(entry);
  assertBackend(backend);
  validateContainerRunCommand(command);
  const prefix = await canonicalizeRuntimeRootPrefix(runtimeRootPrefix);
  await prepareRuntimeRoot(prefix, command.root);
  return {
    file: 'unshare',
    args: [...unshareFlags(backend), ...entry, ...formatRunnerArgs(command)],
    env: await runnerEnvironment(prefix),
  };
}
