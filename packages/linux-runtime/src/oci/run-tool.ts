import { execa } from 'execa';
import { LinuxRuntimeError } from '../errors.js';

/** What a failed external tool left behind; attached to the thrown {@link LinuxRuntimeError}. */
export interface ToolFailure {
  /** The command line, for humans. */
  command: string;
  /** Exit code, or undefined when the tool was killed or never started. */
  exitCode: number | undefined;
  /** Signal that ended the tool, if any. */
  signal: string | undefined;
  /** The tool's standard error, trimmed. */
  stderr: string;
}

/** The Debian package that ships each tool, for "not found" messages. */
const PACKAGES: Readonly<Record<string, string>> = { skopeo: 'skopeo', umoci: 'umoci', flock: 'util-linux' };

/**
 * Run an external tool; on failure throw an error that says what we were doing
 * (`context`, e.g. "copy OCI image X into Y"), the exit code and the tool's stderr.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_TOOL_NOT_FOUND` when the tool is not on PATH,
 *   `ERR_METALOR_ABORTED` when `signal` aborted it, `ERR_METALOR_TOOL_FAILED` otherwise;
 *   all carry the {@link ToolFailure} fields.
 */
export async function runTool(file: string, args: readonly string[], context: string, signal?: AbortSignal): Promise<string> {
  const result = await execa(file, args, { reject: false, stdin: 'ignore', ...(signal ? { cancelSignal: signal } : {}) });
  if (!result.failed) return result.stdout;
  const failure: ToolFailure = {
    command: result.command,
    exitCode: result.exitCode,
    signal: result.signal,
    stderr: String(result.stderr ?? '').trim(),
  };
  const errno = (result.cause as NodeJS.ErrnoException | undefined)?.code;
  if (errno === 'ENOENT') {
    throw withFailure(
      new LinuxRuntimeError('ERR_METALOR_TOOL_NOT_FOUND', `${context} failed: ${file} is not on PATH (install the Debian package ${PACKAGES[file] ?? file})`, { cause: result.cause }),
      failure,
    );
  }
  if (result.isCanceled) {
    throw withFailure(new LinuxRuntimeError('ERR_METALOR_ABORTED', `${context} was aborted`, { cause: signal?.reason }), failure);
  }
  const how = failure.signal ? `was killed by ${failure.signal}` : `exited with code ${failure.exitCode}`;
  throw withFailure(
    new LinuxRuntimeError('ERR_METALOR_TOOL_FAILED', `${context} failed: ${failure.command} ${how}${failure.stderr ? `: ${failure.stderr}` : ''}`),
    failure,
  );
}

function withFailure(error: LinuxRuntimeError, failure: ToolFailure): LinuxRuntimeError & ToolFailure {
  return Object.assign(error, failure);
}

/**
 * Throw `ERR_METALOR_ABORTED` when `signal` is already aborted.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_ABORTED` naming `what`.
 */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) {
    throw new LinuxRuntimeError('ERR_METALOR_ABORTED', `${what} was aborted`, { cause: signal.reason });
  }
}
