import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { ProviderError } from '../errors.js';
import type { ShellCommand } from '../shell.js';
import { openReadSocketPair } from './socket-pair.js';
import { TreePacker } from './tree-pack.js';
import { TreeUnpacker } from './tree-unpack.js';
import { isBrokenPipe, processFailure, succeeded, type ProcessOutcome } from './process-failure.js';
import { outcomeOf, spawnCommand } from './spawn-shell.js';

// A few pipe-sized buffers in flight keep the provider's tar busy without holding the event loop.
const PUSH_BUFFER_BYTES = 64 * 1024;
const PUSH_BUFFERS = 4;
// More than a socket holds, so one read takes whatever the provider has sent.
const PULL_BUFFER_BYTES = 512 * 1024;

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
  const written: Promise<WriteResult> = child.stdin ? writeArchive(new TreePacker(cwd, name), child.stdin) : Promise.resolve({});
  // Errors from either end are judged below, once both have settled.
  const outcome = outcomeOf(command, await child);
  const { hostError, pipeError } = await written;
  if (hostError !== undefined) throw hostTarFailure('pack the host path', hostError, outcome);
  if (!succeeded(outcome)) throw processFailure('ERR_METALOR_PROVIDER_SHELL_FAILED', 'provider extract', outcome);
  if (pipeError !== undefined && !isBrokenPipe(pipeError)) {
    throw hostTarFailure('stream into the provider', pipeError, outcome);
  }
  return outcome;
}

/** The provider closed its stdin before taking the whole archive: a broken pipe by another name. */
function closedEarly(): Error {
  return Object.assign(new Error('provider closed its stdin before the archive ended'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/** Which side of a push failed, if either did. */
interface WriteResult {
  hostError?: unknown;
  pipeError?: unknown;
}

/**
 * Writes the whole archive to `stdin` through a small pool of reused buffers: a buffer goes
 * back to the pool once the stream has handed it to the kernel, so a 100 MB push allocates
 * four buffers instead of sixteen hundred. Never rejects; says which side failed.
 */
async function writeArchive(packer: TreePacker, stdin: Writable): Promise<WriteResult> {
  const pool = Array.from({ length: PUSH_BUFFERS }, () => Buffer.allocUnsafe(PUSH_BUFFER_BYTES));
  let pipeError: unknown;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const onError = (error: unknown): void => {
    pipeError ??= error;
    notify();
  };
  const nextEvent = () => new Promise<void>((resolve) => (wake = resolve));
  stdin.on('error', onError);
  stdin.on('close', notify);
  stdin.on('finish', notify);
  try {
    while (!packer.done) {
      if (pipeError !== undefined || stdin.destroyed) return { pipeError: pipeError ?? closedEarly() };
      const buffer = pool.pop();
      if (buffer === undefined) {
        await nextEvent();
        continue;
      }
      let used: number;
      try {
        used = packer.fill(buffer);
      } catch (error) {
        stdin.destroy();
        return { hostError: error };
      }
      stdin.write(buffer.subarray(0, used), () => {
        pool.push(buffer);
        notify();
      });
    }
    stdin.end();
    while (!stdin.writableFinished && pipeError === undefined && !stdin.destroyed) await nextEvent();
    return pipeError === undefined ? {} : { pipeError };
  } finally {
    packer.close();
    stdin.off('close', notify);
    stdin.off('finish', notify);
    // Later errors (a closing provider) only mean the other end went away.
    stdin.off('error', onError);
    stdin.on('error', () => {});
  }
}

/**
 * Runs the provider command and extracts its stdout, a tar archive, into host directory `cwd`
 * (headers decoded by node-tar; modes restored exactly). When the provider fails part way, that failure is
 * reported, not the truncated archive it leaves behind.
 */
export async function pullTarFromShell(cwd: string, command: ShellCommand): Promise<ProcessOutcome> {
  const unpacker = new TreeUnpacker(cwd);
  let hostError: unknown;
  let hostErrorWhileStreaming = false;
  let inputEnded = false;
  let stopInput = (): void => {};
  const fail = (error: unknown): void => {
    if (hostError !== undefined) return;
    hostError = error;
    // An error before the provider finished writing is the host's own; stop the provider.
    if (!inputEnded) {
      hostErrorWhileStreaming = true;
      stopInput();
    }
  };
  const extract = (chunk: Buffer): boolean => {
    if (hostError !== undefined) return false;
    try {
      unpacker.write(chunk);
      return true;
    } catch (error) {
      fail(error);
      return false;
    }
  };
  const pair = await openReadSocketPair(PULL_BUFFER_BYTES, extract);
  const child = spawnCommand(command, { stdin: 'ignore', stdout: pair?.remote ?? 'pipe', bufferStdout: false });
  const input = pair ? pair.local : child.stdout;
  pair?.remote.destroy();
  if (!pair) child.stdout?.on('data', extract);
  const drained = pair ? closed(pair.local) : Promise.resolve();
  stopInput = () => {
    input?.destroy();
    child.kill();
  };
  const outcome = outcomeOf(command, await child);
  await drained;
  inputEnded = true;
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

/** Settles once the socket has closed: after its last byte was read, or after it was destroyed. */
function closed(socket: Socket): Promise<void> {
  if (socket.closed) return Promise.resolve();
  socket.on('error', () => {});
  return new Promise<void>((resolve) => socket.once('close', () => resolve()));
}
