import type { BuildCellResult, BuildCellSpec } from '@metalor/cell-spec';
import { buildCellReexecCommand } from '../cell/stage.js';
import { finalizeBuildCell } from '../cell/finalize.js';
import { LinuxRuntimeError } from '../errors.js';
import { linuxRunnerEntry } from '../exec/constants.js';
import { buildUnshareReexecCommand } from '../exec/plan.js';
import { probeRootlessUserns } from '../exec/probe.js';
import { clearVolatileViewMarker } from '../oci/volatile-view.js';
import { runnerRefusal } from '../exec/runner-outcome.js';
import type { ContainerRunCommand, LinuxNamespaceBackend } from '../exec/types.js';
import { normalizeRunOptions, type RunOptions, type RunResult } from './options.js';
import { createPidsCgroup, removePidsCgroup } from './pids-cgroup.js';
import { spawnPlan, type PlanOutcome } from './spawn-plan.js';

async function chooseBackend(requested: LinuxNamespaceBackend | undefined, disableNetwork: boolean): Promise<LinuxNamespaceBackend> {
  if (requested) return requested;
  return (await probeRootlessUserns(disableNetwork)).ok ? 'rootlessUser' : 'privileged';
}

function throwIfRefused(outcome: PlanOutcome): void {
  if (outcome.reason !== 'exited') return;
  const refusal = runnerRefusal(outcome.rawExitCode, outcome.runnerErrors);
  if (refusal) throw refusal;
}

/**
 * Run one command in a root filesystem inside fresh namespaces, in one call: plans with
 * {@link buildUnshareReexecCommand} (the shipped sh runner by default, so no Node starts
 * inside), spawns, waits. A non-zero exit resolves (see `exitCode` / `signal`); a timeout
 * or abort kills every process of the cell and resolves with `reason`. With
 * `options.network: 'disabled'` the plan gets `--net` (only `lo`) and no resolv.conf.
 *
 * @throws {LinuxRuntimeError} for invalid options or command, and the runner's refusals
 *   (e.g. `ERR_METALOR_SYMLINK_COMPONENT`, `ERR_METALOR_SENTINEL_INVALID`).
 */
export async function runContainer(command: ContainerRunCommand, options: RunOptions): Promise<RunResult<null>> {
  const normalized = normalizeRunOptions(options);
  const backend = await chooseBackend(normalized.backend, normalized.network === 'disabled');
  const entry = normalized.entry ?? linuxRunnerEntry();
  const offline = normalized.network === 'disabled';
  const plan = await buildUnshareReexecCommand(entry, normalized.runtimeRootPrefix, command, backend);
  if (offline) {
    // The crate's container plan has no network switch; add the build cell's: --net before
    // `--`, and (shipped runner only) no resolv.conf.
    const separator = plan.args.indexOf('--');
    plan.args.splice(separator, 0, '--net');
    if (normalized.entry === undefined) plan.args.splice(separator + 2 + entry.length, 0, '--no-resolv-conf');
  }
  let outcome: PlanOutcome;
  try {
    outcome = await spawnPlan(plan, { ...normalized, shippedRunner: normalized.entry === undefined });
  } finally {
    // The sh runner mounts a copy-on-write view volatile for us (it sees our run token).
    await clearVolatileViewMarker(command.root);
  }
  throwIfRefused(outcome);
  const { exitCode, signal, stdout, stderr, reason } = outcome;
  return { exitCode, signal, stdout, stderr, reason, result: null };
}

/**
 * Run a build cell in one call: plan (stage scratch, write the request), spawn, wait,
 * then {@link finalizeBuildCell} with `succeeded` = exit status 0 (false after a timeout
 * or abort, which kill the whole cell). `maxProcesses` is enforced by a pids cgroup when
 * this process can create one (required for a root caller: the kernel does not apply
 * RLIMIT_NPROC to uid 0), else by RLIMIT_NPROC.
 *
 * @throws {LinuxRuntimeError} for invalid options, the runner's refusals, finalize errors, and
 *   `ERR_METALOR_LIMIT_UNSUPPORTED` when a root caller asks for `maxProcesses` and no pids cgroup can be made.
 * @throws {CellSpecError} for an invalid spec.
 */
export async function runCell(spec: BuildCellSpec, options: RunOptions): Promise<RunResult<BuildCellResult>> {
  const normalized = normalizeRunOptions(options);
  const backend = await chooseBackend(normalized.backend, spec.network === 'disabled');
  const plan = await buildCellReexecCommand(normalized.entry ?? linuxRunnerEntry(), normalized.runtimeRootPrefix, spec, backend);
  const maxProcesses = spec.limits?.maxProcesses;
  let cgroup: string | null = null;
  if (maxProcesses !== undefined && maxProcesses !== null) {
    cgroup = await createPidsCgroup(maxProcesses);
    if (!cgroup && process.getuid?.() === 0) {
      await finalizeBuildCell(spec, false);
      throw new LinuxRuntimeError('ERR_METALOR_LIMIT_UNSUPPORTED', `maxProcesses ${maxProcesses} cannot be enforced: running as root and no pids cgroup (v1 /sys/fs/cgroup/pids or v2 with pids enabled) is writable`);
    }
  }
  let outcome: PlanOutcome;
  try {
    outcome = await spawnPlan(plan, { ...normalized, shippedRunner: normalized.entry === undefined, ...(cgroup ? { extraEnv: { METALOR_PIDS_CGROUP: cgroup } } : {}) });
  } finally {
    if (cgroup) await removePidsCgroup(cgroup);
    await clearVolatileViewMarker(spec.root);
  }
  const refused = outcome.reason === 'exited' ? runnerRefusal(outcome.rawExitCode, outcome.runnerErrors) : null;
  if (refused) {
    await finalizeBuildCell(spec, false).catch(() => undefined);
    throw refused;
  }
  const result = await finalizeBuildCell(spec, outcome.reason === 'exited' && outcome.exitCode === 0);
  const { exitCode, signal, stdout, stderr, reason } = outcome;
  return { exitCode, signal, stdout, stderr, reason, result };
}
