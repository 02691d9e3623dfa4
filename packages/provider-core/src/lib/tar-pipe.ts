import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { ProviderError } from '../errors.js';
import type { ShellCommand } from '../shell.js';
import { coalesceChunks } from './coalesce.js';
import { ExtractGuard } from './extract-guard.js';
import { isBrokenPipe, processFailure, succeeded, type ProcessOutcome } from './process-failure.js';
import { outcomeOf, spawnCommand } from './spawn-shell.js';

/** Wraps a host-side node-tar failure, keeping the provider side's output for context. */
function hostTarFailure(action: string, cause: unknown, provider: ProcessOutcome | undefined): ProviderError {
  let message = `host tar failed to ${action}: ${(cause as Error)?.message ?? String(cause)}`;
  if (provider?.stderr) message += `\nprovider stderr: ${provider.stderr.trimEnd()}`;
  return new ProviderError('ERR_METALOR_PROVIDER_HOST_TAR_FAILED', message, { cause });
}

/**
 * Streams `name` (under host directory `cwd`) as a tar archive made by node-tar into the
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
  // More concurrent file reads than node-tar's default 4 keep the pipe full with small files.
  const pack = tar.c({ cwd, portable: false, follow: false, jobs: 16 }, [name]);
  pack.on('error', (error: unknown) => {
    if (!isBrokenPipe(error)) hostError ??= error;
  });
  // Errors from either end are judged below, once both have settled.
  const piped = child.stdin ? pipeline(pack, coalesceChunks(), child.stdin).catch((error: unknown) => error) : Promise.resolve();
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
 * with node-tar (modes restored exactly). When the provider fails part way, that failure is
 * reported, not the truncated archive it leaves behind.
 */
export async function pullTarFromShell(cwd: string, command: ShellCommand): Promise<ProcessOutcome> {
  const child = spawnCommand(command, { stdin: 'ignore', stdout: 'pipe', bufferStdout: false });
  const guard = new ExtractGuard(cwd);
  // Synchronous extraction is several times faster for trees of small files; each chunk is
  // written out before the next is read. preservePaths keeps absolute symlink targets, and
  // the guard restores the checks that option turns off.
  const unpack = tar.x({
    sync: true,
    cwd,
    strict: true,
    chmod: true,
    processUmask: 0,
    preservePaths: true,
    filter: guard.filter,
  });
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
  unpack.on('error', fail);
  child.stdout?.on('data', (chunk: Buffer) => {
    if (hostError !== undefined) return;
    try {
      unpack.write(chunk);
    } catch (error) {
      fail(error);
    }
  });
  child.stdout?.once('end', () => {
    inputEnded = true;
  });
  const outcome = outcomeOf(command, await child);
  if (!succeeded(outcome) && !hostErrorWhileStreaming) {
    throw processFailure('ERR_METALOR_PROVIDER_SHELL_FAILED', 'provider archive', outcome);
  }
  if (hostError === undefined) {
    try {
      unpack.end();
    } catch (error) {
      fail(error);
    }
  }
  if (hostError !== undefined) throw hostTarFailure('extract the provider archive', hostError, outcome);
  if (guard.violation) throw guard.violation;
  return outcome;
}
