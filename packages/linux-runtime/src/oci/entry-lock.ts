import { execa } from 'execa';
import { LinuxRuntimeError } from '../errors.js';

/** Releases a lock taken by {@link lockFile}. Idempotent. */
export type ReleaseLock = () => Promise<void>;

/**
 * Take an exclusive lock on `file` (created if missing) that other processes respect.
 * The lock is an flock(2) held by a small `flock` child whose stdin is our pipe: when we
 * release, or when this process dies (even by SIGKILL), the pipe closes, the child exits
 * and the kernel drops the lock, so a crashed holder never leaves a stale lock behind.
 *
 * @throws {LinuxRuntimeError} `ERR_METALOR_TOOL_NOT_FOUND` when `flock` (util-linux) is missing,
 *   `ERR_METALOR_ABORTED` when `signal` aborts the wait, `ERR_METALOR_LOCK_FAILED` otherwise.
 */
export async function lockFile(file: string, signal?: AbortSignal): Promise<ReleaseLock> {
  const child = execa('flock', ['--exclusive', file, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    reject: false,
  });
  // Abort only the wait: once the lock is held, killing the child would drop it under our feet.
  const onAbort = () => child.kill('SIGKILL');
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();
  const locked = await new Promise<boolean>((resolve) => {
    child.stdout.once('data', () => resolve(true));
    void child.then(() => resolve(false));
  });
  signal?.removeEventListener('abort', onAbort);
  if (!locked) {
    const result = await child;
    const errno = (result.cause as NodeJS.ErrnoException | undefined)?.code;
    if (errno === 'ENOENT') {
      throw new LinuxRuntimeError('ERR_METALOR_TOOL_NOT_FOUND', `lock ${file} failed: flock is not on PATH (install the Debian package util-linux)`);
    }
    if (signal?.aborted) throw new LinuxRuntimeError('ERR_METALOR_ABORTED', `waiting for lock ${file} was aborted`, { cause: signal?.reason });
    throw new LinuxRuntimeError('ERR_METALOR_LOCK_FAILED', `lock ${file} failed: ${String(result.stderr).trim() || `flock exited with code ${result.exitCode}`}`);
  }
  let released: Promise<void> | undefined;
  return () => {
    released ??= (async () => {
      child.stdin.end();
      await child;
    })();
    return released;
  };
}
