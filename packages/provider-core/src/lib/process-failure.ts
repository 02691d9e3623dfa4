import { ProviderError, type ProviderErrorCode } from '../errors.js';

/** How a finished process ended, and what it printed. */
export interface ProcessOutcome {
  command: readonly string[];
  exitCode?: number | undefined;
  signal?: string | undefined;
  stdout?: string | undefined;
  stderr?: string | undefined;
}

/** `exit code 3` / `signal SIGKILL`. */
export function describeStatus(outcome: ProcessOutcome): string {
  if (outcome.signal) return `signal ${outcome.signal}`;
  return `exit code ${outcome.exitCode ?? 'unknown'}`;
}

/** True when the process exited 0. */
export function succeeded(outcome: ProcessOutcome): boolean {
  return outcome.exitCode === 0 && !outcome.signal;
}

/** An error naming who failed, its status, then its stdout and stderr (trimmed, when non-empty). */
export function processFailure(
  code: ProviderErrorCode,
  label: string,
  outcome: ProcessOutcome,
  cause?: unknown,
): ProviderError {
  let message = `${label} failed with ${describeStatus(outcome)}`;
  if (outcome.stdout) message += `\nstdout: ${readable(outcome.stdout)}`;
  if (outcome.stderr) message += `\nstderr: ${readable(outcome.stderr)}`;
  return new ProviderError(code, message, {
    command: outcome.command,
    ...(outcome.exitCode === undefined ? {} : { exitCode: outcome.exitCode }),
    ...(outcome.signal ? { signal: outcome.signal } : {}),
    ...(outcome.stdout === undefined ? {} : { stdout: outcome.stdout }),
    ...(outcome.stderr === undefined ? {} : { stderr: outcome.stderr }),
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Errors that only mean the other end of a pipe went away. */
export function isBrokenPipe(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'EPIPE' ||
    code === 'ECONNRESET' ||
    code === 'ERR_STREAM_DESTROYED' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    code === 'ERR_STREAM_WRITE_AFTER_END'
  );
}

/** Output for a message: trimmed, without the NULs and BOMs of UTF-16 console text (wsl.exe writes that). */
function readable(text: string): string {
  return text.replace(/[\u0000\uFEFF]/g, '').trimEnd();
}
