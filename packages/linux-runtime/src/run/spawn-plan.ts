import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { execa, type Options } from 'execa';
import type { CommandPlan } from '../exec/types.js';
import { decodeCellExit, type CellExit } from '../exec/runner-outcome.js';
import { killCell } from './kill-cell.js';
import type { LineCallback, RunEndReason, RunStdio } from './options.js';

/** How a spawned plan ended. */
export interface PlanOutcome extends CellExit {
  stdout: string;
  stderr: string;
  reason: RunEndReason;
  /** Raw exit status of the spawned process (the runner's 125 means a refusal). */
  rawExitCode: number | null;
  /** What the runner wrote on its error channel (fd 3). */
  runnerErrors: string;
}

function outputOption(stdio: RunStdio, callback: LineCallback | undefined): Options['stdout'] {
  if (stdio === 'inherit') return 'inherit';
  if (stdio === 'pipe') return 'pipe';
  if (!callback) return 'ignore';
  return {
    *transform(line: unknown) {
      callback(String(line));
    },
  } as unknown as Options['stdout'];
}

/**
 * Spawn a plan and wait for it. A timeout or abort kills the whole pid namespace
 * (see {@link killCell}); the runner's error channel is fd 3.
 */
export async function spawnPlan(
  plan: CommandPlan,
  options: { stdio: RunStdio; signal?: AbortSignal; timeoutMs?: number; extraEnv?: Record<string, string>; shippedRunner?: boolean },
): Promise<PlanOutcome> {
  const { stdio } = options;
  if (options.signal?.aborted) {
    // Aborted before the start: nothing to run, nothing to kill.
    return { exitCode: null, signal: null, reason: 'aborted', rawExitCode: null, stdout: '', stderr: '', runnerErrors: '' };
  }
  const callbacks = typeof stdio === 'object' ? stdio : {};
  const token = randomBytes(8).toString('hex');
  // The shipped runner gets our mount namespace open on fd 4: it compares it with its own
  // using a shell builtin instead of starting readlink(1), then closes it before the command.
  const parentMountNs = options.shippedRunner ? openSync('/proc/self/ns/mnt', 'r') : undefined;
  let subprocess: ReturnType<typeof execa>;
  try {
    subprocess = execa(plan.file, plan.args, {
      // The parent's pid and a unique token let the sh runner skip starting readlink(1);
      // the shipped runner gets only the variables it knows, so it clears them without forking.
      env: {
        ...(options.shippedRunner ? { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', METALOR_ENV_KNOWN: '1', METALOR_PARENT_MOUNT_NS_FD: '4' } : {}),
        ...plan.env,
        ...options.extraEnv,
        METALOR_RUNNER_ERROR_FD: '3',
        METALOR_PARENT_PID: String(process.pid),
        METALOR_RUN_TOKEN: token,
      },
      extendEnv: !options.shippedRunner,
      reject: false,
      stdio: [
        stdio === 'inherit' ? 'inherit' : 'ignore',
        outputOption(stdio, callbacks.stdout),
        outputOption(stdio, callbacks.stderr),
        'pipe',
        ...(parentMountNs === undefined ? [] : [parentMountNs]),
      ] as unknown as Options['stdio'],
      stripFinalNewline: false,
    } as Options);
  } finally {
    // The child holds its own copy from here on.
    if (parentMountNs !== undefined) closeSync(parentMountNs);
  }
  let reason: RunEndReason = 'exited';
  const stop = (why: RunEndReason) => {
    if (reason !== 'exited' || subprocess.pid === undefined) return;
    reason = why;
    void killCell(subprocess.pid);
  };
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => stop('timeout'), options.timeoutMs);
  const onAbort = () => stop('aborted');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await subprocess;
    const exit = reason === 'exited' ? decodeCellExit(result.exitCode, result.signal) : { exitCode: null, signal: 'SIGKILL' as const };
    return {
      ...exit,
      reason,
      rawExitCode: result.exitCode ?? null,
      stdout: stdio === 'pipe' ? String(result.stdout ?? '') : '',
      stderr: stdio === 'pipe' ? String(result.stderr ?? '') : '',
      runnerErrors: String((result.stdio as unknown[])[3] ?? ''),
    };
  } finally {
    // A cell killed while mounting cannot remove its mount table; we know its name.
    const prefix = plan.env.METALOR_RUNTIME_ROOT_PREFIX;
    if (prefix) await rm(path.join(prefix, `.metalor-fstab-${token}`), { force: true });
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
