import { LinuxRuntimeError } from '../errors.js';
import type { LinuxNamespaceBackend } from '../exec/types.js';
import { assertBackend } from '../exec/validate-command.js';

/** Receives one line of the cell's output (without its newline). */
export type LineCallback = (line: string) => void;

/**
 * Where the cell's output goes: `'inherit'` (this process's stdio, stdin included),
 * `'pipe'` (collected into `stdout`/`stderr` strings), or line callbacks.
 */
export type RunStdio = 'inherit' | 'pipe' | { stdout?: LineCallback; stderr?: LineCallback };

/** Options of {@link runContainer} and {@link runCell}. */
export interface RunOptions {
  /** Every runtime root (and cell scratch) must lie below this directory. */
  runtimeRootPrefix: string;
  /** Default: `rootlessUser` when {@link probeRootlessUserns} succeeds, else `privileged`. */
  backend?: LinuxNamespaceBackend;
  /** Aborting kills every process of the cell; the result's `reason` is `'aborted'`. */
  signal?: AbortSignal;
  /** Wall-clock limit in milliseconds; when it passes the whole cell is killed (`reason: 'timeout'`). */
  timeoutMs?: number;
  /** Default `'pipe'`. */
  stdio?: RunStdio;
  /** Argv that re-enters an inner runner; default the shipped sh runner ({@link linuxRunnerEntry}). */
  entry?: string[];
  /**
   * {@link runContainer} only (a build cell has `spec.network`): `'disabled'` gives the
   * command a network namespace with only `lo` and binds no `/etc/resolv.conf`. Default `'enabled'`.
   */
  network?: 'enabled' | 'disabled';
}

/** Why the run ended. */
export type RunEndReason = 'exited' | 'timeout' | 'aborted';

/** What {@link runContainer} and {@link runCell} resolve to. */
export interface RunResult<R> {
  /** Exit status of the command; `null` when it died by a signal or was killed. */
  exitCode: number | null;
  /** Signal that ended the command (`SIGKILL` when a timeout or abort killed a running cell). */
  signal: NodeJS.Signals | null;
  /** `finalizeBuildCell`'s result for {@link runCell}; `null` for {@link runContainer}. */
  result: R;
  /** Collected output with `stdio: 'pipe'`; empty otherwise. */
  stdout: string;
  /** Collected output with `stdio: 'pipe'`; empty otherwise. */
  stderr: string;
  /** `'exited'`, or why the cell was killed. */
  reason: RunEndReason;
}

/**
 * The one place run options are checked.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_OPTIONS_INVALID`, `ERR_METALOR_BACKEND_INVALID`.
 */
export function normalizeRunOptions(options: RunOptions): RunOptions & { stdio: RunStdio } {
  if (typeof options !== 'object' || options === null || typeof options.runtimeRootPrefix !== 'string') {
    throw new LinuxRuntimeError('ERR_METALOR_OPTIONS_INVALID', `options ${JSON.stringify(options)} lack runtimeRootPrefix: expected { runtimeRootPrefix: string, … }`);
  }
  if (options.backend !== undefined) assertBackend(options.backend);
  if (options.timeoutMs !== undefined && !(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
    throw new LinuxRuntimeError('ERR_METALOR_OPTIONS_INVALID', `timeoutMs ${String(options.timeoutMs)} is invalid: expected a positive number of milliseconds`);
  }
  const stdio = options.stdio ?? 'pipe';
  if (stdio !== 'inherit' && stdio !== 'pipe' && (typeof stdio !== 'object' || stdio === null)) {
    throw new LinuxRuntimeError('ERR_METALOR_OPTIONS_INVALID', `stdio ${JSON.stringify(stdio)} is invalid: expected "inherit", "pipe" or { stdout?, stderr? } line callbacks`);
  }
  if (options.network !== undefined && options.network !== 'enabled' && options.network !== 'disabled') {
    throw new LinuxRuntimeError('ERR_METALOR_OPTIONS_INVALID', `network ${JSON.stringify(options.network)} is invalid: expected "enabled" or "disabled"`);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new LinuxRuntimeError('ERR_METALOR_OPTIONS_INVALID', 'signal is not an AbortSignal: expected an AbortSignal');
  }
  return { ...options, stdio };
}
