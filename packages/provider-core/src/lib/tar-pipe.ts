import { pipeline } from 'node:stream/promises';
import { ProviderError } from '../errors.js';
import type { ShellCommand } from '../shell.js';
import { TreePackStream } from './tree-pack.js';
import { TreeUnpacker } from './tree-unpack.js';
import { isBrokenPipe, processFailure, succeeded, type ProcessOutcome } from './process-failure.js';
import { outcomeOf, spawnCommand } from './spawn-shell.js';

/** Wraps a host-side archive failure, keeping the provider side's output for context. */
function hostTarFailure(action: string, cause: unknown, provider: ProcessOutcome | undefined): ProviderError {
  let message = `host tar failed to ${action}: ${(cause as Error)?.message ?? String(cause)}`;
  if (provider?.stderr) message += `\nprovider stderr: ${provider.stderr.trimEnd()}`;
  return new ProviderError('ERR_METALOR_PROVIDER_HOST_TAR_FAILED', message, { cause });
}

/**
 * Streams `name` (under host directory `cwd`) as a tar archive (node-tar headers) into the
 * provider command's stdin. A provider that stops reading is reported as its own failure,
 * never as the broken pipe it leaves behind.
 */
export async function pushTarToShell(
  cwd: string,
  name: string,
  command: ShellCommand,
): Promise<ProcessOutcome> {
  const child = spawnCommand(command, { stdin: 'pipe', stdout: 'pipe', bufferStdout: true });
  let hostError: unknown;
  const pack = new TreePackStream(cwd, name);
  pack.on('error', (error: unknown) => {
    if (!isBrokenPipe(error)) hostError ??= error;
  });
  // Errors from either end are judged below, once both have settled.
  const piped = child.stdin ? pipeline(pack, child.stdin).catch((error: unknown) => error) : Promise.resolve();
  const outcome = outcomeOf(command, await child);
  const pipeError = await piped;
  if (hostError !== undefined) throw hostTarFailure('pack the host path', hostError, outcome);
  if (!succeeded(outcome)) throw processFailure('ERR_METALOR_PROVIDER_SHELL_FAILED', 'provider extract', outcome);
  if (pipeError !== undefined && !isBrokenPipe(pipeError)) {
    throw hostTarFailure('stream into the provider', pipeError, outcome);
  }
  return outcome;
}

/**
 * Runs the provider command and extracts its stdout, a tar archive, into host directory `cwd`
 * (headers decoded by node-tar; modes restored exactly). When the provider fails part way, that failure is
 * reported, not the truncated archive it leaves behind.
 */
export async function pullTarFromShell(cwd: string, command: ShellCommand): Promise<ProcessOutcome> {
  const child = spawnCommand(command, { stdin: 'ignore', stdout: 'pipe', bufferStdout: false });
  const unpacker = new TreeUnpacker(cwd);
  let hostError: unknown;
  let hostErrorWhileStreaming = false;
  let inputEnded = false;
  const fail = (error: unknown): void => {
    if (hostError !== undefined) return;
    hostError = error;
    // An error before the provider finished writing is the host's own; stop the provider.
    if (!inputEnded) {
      hostErrorWhileStreaming = true;
      child.stdout?.destroy();
      child.kill();
    }
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    if (hostError !== undefined) return;
    try {
      unpacker.write(chunk);
    } catch (error) {
      fail(error);
    }
  });
  child.stdout?.once('end', () => {
    inputEnded = true;
  });
  const outcome = outcomeOf(command, await child);
  if (!succeeded(outcome) && !hostErrorWhileStreaming) {
    unpacker.abort();
    throw processFailure('ERR_METALOR_PROVIDER_SHELL_FAILED', 'provider archive', outcome);
  }
  if (hostError === undefined) {
    try {
      unpacker.end();
    } catch (error) {
      fail(error);
    }
  }
  if (hostError !== undefined) {
    unpacker.abort();
    // Refused entries and host write failures already say what went wrong.
    if (hostError instanceof ProviderError) throw hostError;
    throw hostTarFailure('extract the provider archive', hostError, outcome);
  }
  return outcome;
}
