import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A connected pair of Unix stream sockets: `local` stays here, `remote` becomes a child's stdio. */
export interface SocketPair {
  local: net.Socket;
  remote: net.Socket;
}

/** Called with each read, which lands in the pair's one reused buffer; returning false pauses reading. */
export type ReadInto = (bytes: Buffer) => boolean;

// sun_path holds 108 bytes on Linux and 104 on macOS.
const MAX_SOCKET_PATH = 100;

/**
 * Opens a socket pair whose `local` end reads into one reused buffer of `bufferBytes`.
 *
 * Why: a child's stdout made with `stdio: 'pipe'` is read 64 KiB at a time into a fresh
 * buffer per read, and on a 100 MB archive those allocations, page faults and collections
 * cost as much as writing the files. Node reads straight into a caller's buffer only on a
 * socket it creates itself, so this listens on a socket in a new private (0700) directory,
 * connects, and removes the directory again before anything is sent.
 * Resolves to undefined where that is not possible (Windows, a temp path too long for a
 * socket name); the caller then uses a plain pipe.
 */
export async function openReadSocketPair(bufferBytes: number, onRead: ReadInto): Promise<SocketPair | undefined> {
  if (process.platform === 'win32') return undefined;
  let directory: string;
  try {
    directory = mkdtempSync(path.join(tmpdir(), 'metalor-sock-'));
  } catch {
    return undefined;
  }
  const socketPath = path.join(directory, 's');
  try {
    if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) return undefined;
    return await connectPair(socketPath, bufferBytes, onRead);
  } catch {
    return undefined;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

async function connectPair(socketPath: string, bufferBytes: number, onRead: ReadInto): Promise<SocketPair> {
  const server = net.createServer({ pauseOnConnect: true });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, resolve);
    });
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const buffer = Buffer.allocUnsafe(bufferBytes);
    const local = net.connect({
      path: socketPath,
      onread: { buffer, callback: (bytesRead: number) => onRead(buffer.subarray(0, bytesRead)) },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        local.once('error', reject);
        local.once('connect', () => {
          local.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      local.destroy();
      throw error;
    }
    return { local, remote: await accepted };
  } finally {
    server.close();
  }
}
