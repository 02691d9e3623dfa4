import type { BuildCellSpec } from '@metalor/cell-spec';
import { execa } from 'execa';
import { LinuxRuntimeError } from '../errors.js';
import { cellRunnerArgs } from '../cell/runner-sidecar.js';
import { linuxRunnerEntry } from './constants.js';
import { formatRunnerArgs } from './runner-args.js';
import { decodeCellExit, runnerRefusal } from './runner-outcome.js';
import type { ContainerRunCommand } from './types.js';
import { validateContainerRunCommand } from './validate-command.js';

async function runRunner(args: string[], what: string): Promise<void> {
  const [file, ...entryArgs] = linuxRunnerEntry() as [string, ...string[]];
  const result = await execa(file, [...entryArgs, ...args], {
    reject: false,
    stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
    env: { METALOR_RUNNER_ERROR_FD: '3' },
  });
  const refusal = runnerRefusal(result.exitCode, String(result.stdio[3] ?? ''));
  if (refusal) throw refusal;
  const exit = decodeCellExit(result.exitCode, result.signal);
  if (exit.exitCode === 0) return;
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with status ${exit.exitCode}`;
  throw new LinuxRuntimeError('ERR_METALOR_COMMAND_FAILED', `${what} ${how}: expected exit status 0`, {
    ...(exit.exitCode === null ? {} : { exitCode: exit.exitCode }),
    ...(exit.signal === null ? {} : { signal: exit.signal }),
  });
}

/**
 * Inner side: run `command` from inside the namespaces the plan created. Delegates to
 * the shipped sh runner (one implementation of the checks and mounts): refuses unless
 * `METALOR_PRIVATE_NS=1`, the mount namespace differs from `METALOR_PARENT_MOUNT_NS`,
 * and the canonical root lies below `METALOR_RUNTIME_ROOT_PREFIX` with a matching
 * sentinel; then binds, mounts proc, `/etc/resolv.conf` and `/dev/{null,zero,random,urandom}`
 * unless covered, registers the emulator in the cell's own user namespace, enters the
 * root and cwd, and runs the executable with exactly the given environment.
 *
 * @throws {LinuxRuntimeError} the refusal's code (e.g. `ERR_METALOR_NOT_PRIVATE_NAMESPACE`,
 *   `ERR_METALOR_SAME_MOUNT_NAMESPACE`, `ERR_METALOR_PATH_OUTSIDE_PREFIX`, `ERR_METALOR_SENTINEL_INVALID`,
 *   `ERR_METALOR_SYMLINK_COMPONENT`), or `ERR_METALOR_COMMAND_FAILED` carrying `exitCode` or `signal`.
 */
export async function runIsolatedContainerCommand(command: ContainerRunCommand): Promise<void> {
  validateContainerRunCommand(command);
  await runRunner(formatRunnerArgs(command), `command ${JSON.stringify(command.executable)}`);
}

/**
 * Inner side: run a staged build cell (as read from its request): workspace, imports
 * (read-only) and caches (read-write) bound from scratch, limits as rlimits (CPU seconds,
 * address space, process count), `/etc/resolv.conf` only when the network is enabled.
 *
 * @throws {LinuxRuntimeError} as {@link runIsolatedContainerCommand}.
 */
export async function runBuildCell(spec: BuildCellSpec): Promise<void> {
  await runRunner(cellRunnerArgs(spec), `build cell command ${JSON.stringify(spec.command.executable)}`);
}
